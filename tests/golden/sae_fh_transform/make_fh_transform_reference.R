# Reference numbers for humsec's Fay-Herriot with transformations (log, arcsine square root), derived by
# hand from the formulas (emdi, the R package that implements this approach, is not installable
# here): R `sae` 1.3 eblupFH (REML) fits the model on the transformed scale; the bias-corrected
# back-transformation E[h^-1(theta*) | data] with theta* ~ N(eblup*, g1*) in sample (g1* = gamma*psi*)
# and N(x'beta, sigma2_u) out of sample is computed by numerical integration (stats::integrate,
# independent of humsec's closed forms); the MSE is the parametric bootstrap of the emdi approach
# (Kreutzmann et al. 2019, after Gonzalez-Manteiga et al. 2008), B replicates, with its Monte Carlo SE.
#
# Transformed direct estimates and variances (delta method):
#   log:    y* = log(y),         psi* = psi / y^2
#   arcsin: y* = asin(sqrt(y)),  psi* = psi / (4 y (1 - y))
#   arcsin with an effective sample size (case "arcsin_n", emdi's eff_smpsize): psi* = 1 / (4 n_eff)
# Bootstrap b: u* ~ N(0, sigma2_u) for every area, theta*_b = x'beta + u*, truth = h^-1(theta*_b);
# y*_b = theta*_b + N(0, psi*) in sample; refit (REML), back-transform as above; squared error.
#
# Rerun from the repository root (R with MASS; sae from the vendored source):
#   R CMD INSTALL -l /tmp/rlib-sae ../shared/vendor/r-sae-1.3
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_fh_transform/make_fh_transform_reference.R
# Writes, beside this script: milk.csv and shares.csv (the inputs), estimates.csv (case, area,
# in_sample, estimate, naive, gamma, mse, mse_se, B) and parameters.csv (case, name, value).
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_fh_transform"

data(milk)
milk_in <- data.frame(area = milk$SmallArea, yi = milk$yi, var = milk$SD^2, MajorArea = milk$MajorArea)
milk_in$yi[c(5, 30)] <- NA  # two areas out of sample
write.csv(milk_in, file.path(out, "milk.csv"), row.names = FALSE)

set.seed(20261207)
m <- 40
x1 <- round(runif(m), 4)
n <- sample(25:250, m, replace = TRUE)
theta <- sin(asin(sqrt(0.12)) + 0.45 * x1 + rnorm(m, 0, 0.1))^2
p <- rbinom(m, n, theta) / n
p[p == 0] <- 0.5 / n[p == 0]
deff <- round(runif(m, 1, 2), 2)  # design effects: effective sample size n_eff = n / deff
shares <- data.frame(area = sprintf("D%02d", 1:m), p = p, var = p * (1 - p) / n, x1 = x1, n = n,
                     n_eff = n / deff)
shares$p[c(7, 21, 33)] <- NA
shares$var[c(7, 21, 33)] <- NA
write.csv(shares, file.path(out, "shares.csv"), row.names = FALSE)

forward <- list(log = function(y) log(y), arcsin = function(y) asin(sqrt(y)))
delta <- list(log = function(y, v) v / y^2, arcsin = function(y, v) v / (4 * y * (1 - y)))
inverse <- list(log = exp, arcsin = function(t) sin(t)^2)
bc <- function(tr, mean, var) {  # E[h^-1(T)], T ~ N(mean, var), by numerical integration
  if (var == 0) return(inverse[[tr]](mean))  # sigma2_u estimated at 0: no area-effect uncertainty
  f <- function(t) inverse[[tr]](t) * dnorm(t, mean, sqrt(var))
  integrate(f, mean - 12 * sqrt(var), mean + 12 * sqrt(var), rel.tol = 1e-12, abs.tol = 0)$value
}
predict_bc <- function(tr, ys, psis, X, ins) {
  fit <- tryCatch(eblupFH(ys ~ X[ins, ] - 1, vardir = psis, method = "REML"), error = function(e) NULL)
  if (is.null(fit) || !fit$fit$convergence) return(NULL)  # no REML fit: the replicate is redrawn
  beta <- fit$fit$estcoef[, "beta"]
  s2u <- fit$fit$refvar
  syn <- drop(X %*% beta)
  mean <- syn
  var <- rep(s2u, nrow(X))
  gamma <- rep(0, nrow(X))
  gamma[ins] <- s2u / (s2u + psis)
  mean[ins] <- drop(fit$eblup)
  var[ins] <- gamma[ins] * psis
  est <- mapply(function(a, b) bc(tr, a, b), mean, var)
  list(est = est, naive = inverse[[tr]](mean), gamma = gamma, beta = beta, s2u = s2u)
}

cases <- list(log = list(d = milk_in, y = "yi", X = model.matrix(~ as.factor(MajorArea), milk_in)),
              arcsin = list(d = shares, y = "p", X = model.matrix(~ x1, shares)),
              arcsin_n = list(d = shares, y = "p", X = model.matrix(~ x1, shares), tr = "arcsin"))
B <- 1000
est <- NULL
par <- NULL
for (case in names(cases)) {
  cs <- cases[[case]]
  tr <- if (is.null(cs$tr)) case else cs$tr
  y <- cs$d[[cs$y]]
  ins <- !is.na(y)
  ys <- forward[[tr]](y[ins])
  psis <- if (case == "arcsin_n") 1 / (4 * cs$d$n_eff[ins]) else delta[[tr]](y[ins], cs$d$var[ins])
  p0 <- predict_bc(tr, ys, psis, cs$X, ins)
  set.seed(1)
  sq <- matrix(NA, B, nrow(cs$X))
  b <- 1
  redrawn <- 0
  while (b <= B) {
    theta_star <- drop(cs$X %*% p0$beta) + rnorm(nrow(cs$X), 0, sqrt(p0$s2u))
    yb <- theta_star[ins] + rnorm(sum(ins), 0, sqrt(psis))
    pb <- predict_bc(tr, yb, psis, cs$X, ins)
    if (is.null(pb)) { redrawn <- redrawn + 1; next }
    sq[b, ] <- (pb$est - inverse[[tr]](theta_star))^2
    b <- b + 1
  }
  cat(case, ": sigma2_u", p0$s2u, ",", redrawn, "bootstrap replicates redrawn (REML did not converge)\n")
  est <- rbind(est, data.frame(case = case, area = cs$d$area, in_sample = ins, estimate = p0$est,
                               naive = p0$naive, gamma = p0$gamma, mse = colMeans(sq),
                               mse_se = apply(sq, 2, sd) / sqrt(B), B = B))
  par <- rbind(par, data.frame(case = case, name = c(colnames(cs$X), "sigma2_u"), value = c(p0$beta, p0$s2u)))
}
options(digits = 17)
write.csv(format(est, digits = 17), file.path(out, "estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(par, digits = 17), file.path(out, "parameters.csv"), row.names = FALSE, quote = FALSE)
cat("sae", as.character(packageVersion("sae")), ":", nrow(est), "estimate rows\n")
