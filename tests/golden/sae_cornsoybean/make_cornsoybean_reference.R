# Reference numbers for humsec's unit-level (Battese-Harter-Fuller) EBLUP: R `sae` 1.3 eblupBHF (REML)
# on `cornsoybean` + `cornsoybeanmeans` (Battese, Harter & Fuller 1988; 12 Iowa counties).
#
# Rerun from the repository root (R with MASS and lme4; sae from the vendored source):
#   R CMD INSTALL -l /tmp/rlib-sae ../shared/vendor/r-sae-1.3
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_cornsoybean/make_cornsoybean_reference.R
# Writes, beside this script:
#   cornsoybean.csv       the survey segments (37 rows), as shipped in sae 1.3
#   cornsoybeanmeans.csv  county population means of the covariates and the number of segments
#   estimates.csv         case, domain, eblup, sampsize
#   parameters.csv        case, name, value  (beta per term, sigma2_u, sigma2_e, loglike)
#   with optimizer "default" (eblupBHF as shipped: lmer's default tolerances leave sigma2_u a few 1e-6
#   from the optimum) and "tight" (the same eblupBHF code, lmer given bobyqa with rhoend = 1e-12).
# Cases: "all"      every segment, as in the sae help page but without dropping any row;
#        "no_out"   observation 33 removed (the outlier dropped by sae's example);
#        "county12" county 12's segments removed: an out-of-sample county (synthetic estimate).
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_cornsoybean"
data(cornsoybean)
data(cornsoybeanmeans)
write.csv(cornsoybean, file.path(out, "cornsoybean.csv"), row.names = FALSE)
write.csv(cornsoybeanmeans, file.path(out, "cornsoybeanmeans.csv"), row.names = FALSE)
Xmean <- data.frame(cornsoybeanmeans[, c("CountyIndex", "MeanCornPixPerSeg", "MeanSoyBeansPixPerSeg")])
Popn <- data.frame(cornsoybeanmeans[, c("CountyIndex", "PopnSegments")])
cases <- list(all = cornsoybean, no_out = cornsoybean[-33, ],
              county12 = cornsoybean[cornsoybean$County != 12, ])
# eblupBHF's own code, its lmer call given a tight optimizer (the model and criterion are unchanged)
tight_lmer <- function(...) lme4::lmer(..., control = lme4::lmerControl(optimizer = "bobyqa",
                                                                         optCtrl = list(rhoend = 1e-12)))
eblupBHF_tight <- sae::eblupBHF
environment(eblupBHF_tight) <- list2env(list(lmer = tight_lmer), parent = environment(sae::eblupBHF))
fits <- list(default = sae::eblupBHF, tight = eblupBHF_tight)
est <- NULL
par <- NULL
for (optimizer in names(fits)) for (method in c("REML", "ML")) for (case in names(cases)) {
  d <- cases[[case]]
  res <- suppressWarnings(fits[[optimizer]](CornHec ~ CornPix + SoyBeansPix, dom = County,
                                   selectdom = 1:12, meanxpop = Xmean, popnsize = Popn,
                                   method = method, data = d))
  est <- rbind(est, data.frame(optimizer = optimizer, method = method, case = case, domain = res$eblup$domain,
                               eblup = res$eblup$eblup, sampsize = res$eblup$sampsize))
  par <- rbind(par, data.frame(optimizer = optimizer, method = method, case = case,
                               name = c("(Intercept)", "CornPix", "SoyBeansPix", "sigma2_u", "sigma2_e", "loglike"),
                               value = c(res$fit$fixed, res$fit$refvar, res$fit$errorvar, res$fit$loglike)))
}
options(digits = 17)
write.csv(format(est, digits = 17), file.path(out, "estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(par, digits = 17), file.path(out, "parameters.csv"), row.names = FALSE, quote = FALSE)
cat("sae", as.character(packageVersion("sae")), ":", nrow(est), "estimate rows,", nrow(par), "parameter rows\n")
