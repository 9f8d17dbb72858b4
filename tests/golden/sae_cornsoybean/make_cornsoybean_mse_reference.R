# Reference MSEs for humsec's BHF EBLUP: R `sae` 1.3 pbmseBHF (parametric bootstrap, Gonzalez-Manteiga
# et al. 2008) on `cornsoybean` + `cornsoybeanmeans`, REML, CornHec ~ CornPix + SoyBeansPix.
#
# Rerun from the repository root (R with MASS and lme4; sae from the vendored source):
#   R CMD INSTALL -l /tmp/rlib-sae ../shared/vendor/r-sae-1.3
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_cornsoybean/make_cornsoybean_mse_reference.R
# Writes mse.csv beside this script: case, domain, mse, mse_sd, runs, B
#   pbmseBHF returns only the mean of its B squared errors, so it is run `runs` times with seeds
#   1..runs, B replicates each: mse is the mean over the runs (runs * B replicates in all) and
#   mse_sd the SD between runs, so the Monte Carlo SE of mse is mse_sd / sqrt(runs).
# Cases as make_cornsoybean_reference.R: "all" (every segment) and "county12" (county 12's
# segments removed: out of sample).
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_cornsoybean"
data(cornsoybean)
data(cornsoybeanmeans)
Xmean <- data.frame(cornsoybeanmeans[, c("CountyIndex", "MeanCornPixPerSeg", "MeanSoyBeansPixPerSeg")])
Popn <- data.frame(cornsoybeanmeans[, c("CountyIndex", "PopnSegments")])
cases <- list(all = cornsoybean, county12 = cornsoybean[cornsoybean$County != 12, ])
runs <- 10
B <- 200
mse <- NULL
for (case in names(cases)) {
  d <- cases[[case]]
  runs_mse <- sapply(seq_len(runs), function(s) {
    set.seed(s)
    invisible(capture.output(r <- suppressWarnings(pbmseBHF(CornHec ~ CornPix + SoyBeansPix, dom = County,
                               selectdom = 1:12, meanxpop = Xmean, popnsize = Popn, B = B,
                               method = "REML", data = d))))
    r$mse$mse
  })
  mse <- rbind(mse, data.frame(case = case, domain = 1:12, mse = rowMeans(runs_mse),
                               mse_sd = apply(runs_mse, 1, sd), runs = runs, B = B))
}
options(digits = 17)
write.csv(format(mse, digits = 17), file.path(out, "mse.csv"), row.names = FALSE, quote = FALSE)
cat("sae", as.character(packageVersion("sae")), ":", nrow(mse), "MSE rows\n")
