# Reference numbers for humsec's Fay-Herriot EBLUP: R `sae` 1.3 eblupFH + mseFH on `milk`.
#
# Rerun from the repository root (R with MASS and lme4; sae from the vendored source):
#   R CMD INSTALL -l /tmp/rlib-sae ../shared/vendor/r-sae-1.3
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_milk/make_milk_reference.R
# Writes, beside this script:
#   milk.csv       the data (43 small areas, Arora & Lahiri 1997), as shipped in sae 1.3
#   estimates.csv  method, SmallArea, eblup, mse   (43 rows x 3 methods)
#   parameters.csv method, name, value             (beta per term, sigma2_u, iterations, loglike, AIC, BIC)
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_milk"
data(milk)
write.csv(milk, file.path(out, "milk.csv"), row.names = FALSE)
milk$var <- milk$SD^2
est <- NULL
par <- NULL
for (method in c("REML", "ML", "FH")) {
  res <- mseFH(yi ~ as.factor(MajorArea), var, method = method, data = milk)
  stopifnot(res$est$fit$convergence)
  est <- rbind(est, data.frame(method = method, SmallArea = milk$SmallArea,
                               eblup = as.vector(res$est$eblup), mse = res$mse))
  beta <- res$est$fit$estcoef$beta
  par <- rbind(par, data.frame(method = method,
                               name = c(paste0("beta", seq_along(beta) - 1), "sigma2_u", "iterations", "loglike", "AIC", "BIC"),
                               value = c(beta, res$est$fit$refvar, res$est$fit$iterations,
                                         res$est$fit$goodness[c("loglike", "AIC", "BIC")])))
}
options(digits = 17)
write.csv(format(est, digits = 17), file.path(out, "estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(par, digits = 17), file.path(out, "parameters.csv"), row.names = FALSE, quote = FALSE)
cat("sae", as.character(packageVersion("sae")), ":", nrow(est), "estimate rows,", nrow(par), "parameter rows\n")
