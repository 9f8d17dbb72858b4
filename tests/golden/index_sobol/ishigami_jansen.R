# Reference Sobol' indices for tests/index/test_sobol.py: the Ishigami function (a = 7, b = 0.1)
# estimated with the Jansen (1999) / Saltelli et al. (2010) formulas of R's
# sensitivity::soboljansen, with its basic bootstrap intervals (boot::boot, boot::boot.ci "basic").
#
# The 'sensitivity' package is not in Debian and CRAN was not reachable when this was made, so the
# estimator is written out below from the package's documentation (?soboljansen): V = var(y_A),
# S_i = (V - sum((y_B - y_ABi)^2) / (2n - 1)) / V, T_i = sum((y_A - y_ABi)^2) / (2n - 1) / V,
# where AB_i is A with column i taken from B. With the package installed, the commented lines at
# the end give the same point estimates (the design is deterministic) for comparison.
#
# Design: deterministic Weyl sequences, frac(j * sqrt(prime)), so that Python builds the same A and B
# bit for bit: A uses primes 2, 3, 5 and B 7, 11, 13, each mapped onto [-pi, pi].
#
# Run: Rscript tests/golden/index_sobol/ishigami_jansen.R   (R 4.2.2, boot 1.3-28.1)
library(boot)

n <- 2000
nboot <- 500
conf <- 0.95
weyl <- function(p) ((seq_len(n) * sqrt(p)) %% 1) * 2 * pi - pi
A <- cbind(weyl(2), weyl(3), weyl(5))
B <- cbind(weyl(7), weyl(11), weyl(13))
ishigami <- function(X) sin(X[, 1]) + 7 * sin(X[, 2])^2 + 0.1 * X[, 3]^4 * sin(X[, 1])

y <- cbind(ishigami(A), ishigami(B))
for (i in 1:3) {
  ABi <- A
  ABi[, i] <- B[, i]
  y <- cbind(y, ishigami(ABi))
}

indices <- function(d, rows) {
  d <- d[rows, , drop = FALSE]
  m <- nrow(d)
  V <- var(d[, 1])
  first <- (V - colSums((d[, 2] - d[, 3:5])^2) / (2 * m - 1)) / V
  total <- (colSums((d[, 1] - d[, 3:5])^2) / (2 * m - 1)) / V
  c(first, total)
}

set.seed(20261207)
b <- boot(y, indices, R = nboot)
ci <- t(sapply(1:6, function(k) boot.ci(b, index = k, type = "basic", conf = conf)$basic[4:5]))
out <- data.frame(
  factor = c("x1", "x2", "x3"),
  first_order = b$t0[1:3], first_order_low = ci[1:3, 1], first_order_high = ci[1:3, 2],
  total_effect = b$t0[4:6], total_effect_low = ci[4:6, 1], total_effect_high = ci[4:6, 2]
)
print(out, digits = 12)
write.csv(out, "tests/golden/index_sobol/ishigami_jansen.csv", row.names = FALSE)

# library(sensitivity)
# x <- soboljansen(model = NULL, X1 = A, X2 = B, nboot = nboot, conf = conf)
# tell(x, as.vector(y)); print(x)
