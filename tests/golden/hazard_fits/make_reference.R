# Reference for the fits inside humsec's learned hazard models, base R only (no glmnet, no nnet):
#   onset:  onset_logit   - logistic regression, L2 penalty 1/2 |w|^2 + C * sum(log loss), C = 1,
#                           intercept not penalised, features standardised (mean, sd with divisor n)
#   share:  lagged_logit  - ridge regression (alpha = 1) of the change of the share's logit on the
#                           standardised features, intercept not penalised (closed form)
#   phase:  lagged_logit  - multinomial logistic regression, one weight vector per phase (softmax),
#                           the same penalty, intercept not penalised
# Each penalised likelihood is written out here and minimised by optim (BFGS, analytic gradient),
# then polished by Newton steps on the same function, so the numbers come from a second
# implementation of the documented model, not from scikit-learn.
# Rerun: Rscript tests/golden/hazard_fits/make_reference.R (from the repository root).
here <- "tests/golden/hazard_fits"
set.seed(15)

standardise <- function(x_train, x_test) {
  mu <- colMeans(x_train)
  sdv <- sqrt(colMeans(sweep(x_train, 2, mu)^2))  # divisor n, as StandardScaler
  list(train = sweep(sweep(x_train, 2, mu), 2, sdv, "/"),
       test = sweep(sweep(x_test, 2, mu), 2, sdv, "/"))
}

# ---- onset: binary logistic regression --------------------------------------------------------
n_train <- 600; n_test <- 100; n <- n_train + n_test
scale <- c(1, 3, 0.5, 10, 2); shift <- c(0, -2, 1, 50, 0)
x <- sapply(1:5, function(j) shift[j] + scale[j] * rnorm(n))
z <- sweep(sweep(x, 2, shift), 2, scale, "/")
onset <- rbinom(n, 1, plogis(-2.5 + 0.9 * z[, 1] - 0.6 * z[, 2] + 0.4 * z[, 5]))
split <- rep(c("train", "test"), c(n_train, n_test))
write.csv(data.frame(split = split, x1 = x[, 1], x2 = x[, 2], x3 = x[, 3], x4 = x[, 4],
                     x5 = x[, 5], onset = onset),
          file.path(here, "onset_input.csv"), row.names = FALSE)
s <- standardise(x[split == "train", ], x[split == "test", ])
X <- cbind(1, s$train); y <- onset[split == "train"]
pen <- c(0, rep(1, 5))
f <- function(b) { eta <- X %*% b; sum(log1p(exp(eta)) - y * eta) + 0.5 * sum(pen * b^2) }
g <- function(b) drop(crossprod(X, plogis(X %*% b) - y)) + pen * b
b <- optim(rep(0, 6), f, g, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000))$par
for (i in 1:5) {  # Newton polish: the Hessian of the same objective
  p <- drop(plogis(X %*% b))
  b <- b - solve(crossprod(X, X * (p * (1 - p))) + diag(pen), g(b))
}
p_test <- drop(plogis(cbind(1, s$test) %*% b))
write.csv(data.frame(p_onset = p_test), file.path(here, "onset_reference.csv"), row.names = FALSE)
cat("onset coefficients (standardised):", format(b, digits = 10), "\n")

# ---- lagged_logit: ridge share and multinomial phase ------------------------------------------
n_train <- 240; n_test <- 40; n <- n_train + n_test
x <- cbind(f1 = rnorm(n, 0, 1), f2 = rnorm(n, 2, 4), f3 = rnorm(n, -1, 0.3), f4 = runif(n))
persistence_logit <- rnorm(n, -1, 0.8)
change <- 0.4 * x[, 1] - 0.1 * x[, 2] + 2 * x[, 3] + 1 + rnorm(n, 0, 0.3)
observed_share <- round(plogis(persistence_logit + change), 6)
latent <- 1.2 * x[, 1] - 0.3 * x[, 2] + persistence_logit + rnorm(n, 0, 0.7)
observed_phase <- as.integer(cut(latent, c(-Inf, -2.5, -1.2, 0, Inf)))  # phases 1-4
target_issued <- c(rep(c("2019-01", "2019-07", "2020-01", "2020-07"), each = n_train / 4),
                   rep("2021-01", n_test))
split <- rep(c("train", "test"), c(n_train, n_test))
write.csv(data.frame(split = split, target_issued = target_issued, x,
                     persistence_logit = persistence_logit, observed_share = observed_share,
                     observed_phase = observed_phase),
          file.path(here, "ipc_input.csv"), row.names = FALSE)
tr <- split == "train"
s <- standardise(x[tr, ], x[!tr, ])
eps <- 0.01  # humsec clips shares to [0.01, 0.99] before the logit
lg <- function(p) qlogis(pmin(pmax(p, eps), 1 - eps))
dy <- lg(observed_share[tr]) - persistence_logit[tr]
# ridge with an unpenalised intercept = ridge on centred data, intercept = mean of the outcome
beta <- solve(crossprod(s$train) + diag(ncol(s$train)), crossprod(s$train, dy - mean(dy)))
forecast_share <- plogis(persistence_logit[!tr] + mean(dy) + drop(s$test %*% beta))
# multinomial: W is K x (1 + p), softmax over the K phases present in the training data
classes <- sort(unique(observed_phase[tr])); K <- length(classes)
X <- cbind(1, s$train); Y <- outer(observed_phase[tr], classes, "==") * 1
pen <- matrix(rep(c(0, rep(1, ncol(s$train))), each = K), K)
softmax <- function(E) { E <- E - apply(E, 1, max); P <- exp(E); P / rowSums(P) }
fm <- function(w) {
  W <- matrix(w, K); E <- X %*% t(W); m <- apply(E, 1, max)
  sum(m + log(rowSums(exp(E - m))) - rowSums(E * Y)) + 0.5 * sum(pen * W^2)
}
gm <- function(w) { W <- matrix(w, K); P <- softmax(X %*% t(W)); c(t(P - Y) %*% X + pen * W) }
w <- optim(rep(0, K * ncol(X)), fm, gm, method = "BFGS",
           control = list(reltol = 1e-15, maxit = 20000))$par
for (i in 1:5) {  # Newton polish with the full Hessian (K (1 + p) parameters)
  W <- matrix(w, K); P <- softmax(X %*% t(W)); H <- matrix(0, length(w), length(w))
  for (r in seq_len(nrow(X))) {
    A <- diag(P[r, ]) - tcrossprod(P[r, ])
    H <- H + kronecker(tcrossprod(X[r, ]), A)  # parameters ordered as c(W): class fastest
  }
  # adding a constant to every intercept changes no probability (and the intercepts are not
  # penalised), so H is singular along that direction; the gradient is zero along it, and a tiny
  # ridge there only keeps solve() from failing
  w <- w - solve(H + diag(c(pen) + 1e-10), gm(w))
}
P_test <- softmax(cbind(1, s$test) %*% t(matrix(w, K)))
colnames(P_test) <- paste0("prob_phase", classes)
write.csv(data.frame(forecast_share = forecast_share, P_test),
          file.path(here, "ipc_reference.csv"), row.names = FALSE)
cat("ridge intercept and slopes:", format(c(mean(dy), beta), digits = 10), "\n")
cat("max |gradient| multinomial:", max(abs(gm(w))), "\n")
