# Reference numbers for humsec's spatial Fay-Herriot: R `sae` 1.3 eblupSFH + mseSFH on `grapes`.
#
# Rerun from the repository root (sae installed from ../shared/vendor/r-sae-1.3, see sae_milk):
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_grapes/make_grapes_reference.R
# Writes, beside this script:
#   grapes.csv         the data (274 municipalities), with an `id` column 1..274
#   grapesprox.csv     the row-standardised proximity matrix as non-zero triplets: row, col, w
#   estimates.csv      method, id, eblup, mse
#   parameters.csv     method, name, value   (beta per term, sigma2_u, rho, iterations, loglike)
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_grapes"
data(grapes)
data(grapesprox)
grapes$id <- seq_len(nrow(grapes))
write.csv(format(grapes, digits = 17), file.path(out, "grapes.csv"), row.names = FALSE, quote = FALSE)
W <- as.matrix(grapesprox)
nz <- which(W != 0, arr.ind = TRUE)
trip <- data.frame(row = nz[, 1], col = nz[, 2], w = W[nz])
trip <- trip[order(trip$row, trip$col), ]
write.csv(format(trip, digits = 17), file.path(out, "grapesprox.csv"), row.names = FALSE, quote = FALSE)
est <- NULL
par <- NULL
for (method in c("REML", "ML")) {
  res <- mseSFH(grapehect ~ area + workdays - 1, var, grapesprox, method = method, data = grapes)
  stopifnot(res$est$fit$convergence)
  est <- rbind(est, data.frame(method = method, id = grapes$id,
                               eblup = as.vector(res$est$eblup), mse = res$mse))
  beta <- res$est$fit$estcoef$beta
  par <- rbind(par, data.frame(method = method,
                               name = c(paste0("beta", seq_along(beta)), "sigma2_u", "rho", "iterations", "loglike"),
                               value = c(beta, res$est$fit$refvar, res$est$fit$spatialcorr,
                                         res$est$fit$iterations, res$est$fit$goodness[["loglike"]])))
}
write.csv(format(est, digits = 17), file.path(out, "estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(par, digits = 17), file.path(out, "parameters.csv"), row.names = FALSE, quote = FALSE)
cat("sae", as.character(packageVersion("sae")), ":", nrow(est), "estimate rows,", nrow(par), "parameter rows\n")
