# Reference for humsec.sae.direct_means: R `survey` domain means on syn_cdta (round t = 1).
#
# Rerun from the repository root:  Rscript tests/golden/sae_direct/make_direct_reference.R
# Writes direct_region.csv beside this script: region, estimate, se (svyby + svymean, na.rm = TRUE:
# rows with d_satt empty are dropped but their PSUs stay in the design, as R's subset does).
suppressPackageStartupMessages(library(survey))
d <- read.csv(gzfile("src/humsec/datasets/data/syn_cdta.csv.gz"), colClasses = c(area = "character", region = "character"))
d <- d[d$t == 1, ]
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = d)
out <- svyby(~d_satt, ~region, des, svymean, na.rm = TRUE)
res <- data.frame(region = out$region, estimate = out$d_satt, se = SE(out))
nat <- svymean(~d_satt, des, na.rm = TRUE)
res <- rbind(res, data.frame(region = "national", estimate = coef(nat)[[1]], se = SE(nat)[[1]]))
write.csv(format(res, digits = 17), "tests/golden/sae_direct/direct_region.csv", row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(res), "rows\n")
