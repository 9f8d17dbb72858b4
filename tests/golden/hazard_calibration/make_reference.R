# Reference for humsec.hazard.calibration: Platt scaling (glm of the outcome on the logit of the
# raw probability) and isotonic regression (stats::isoreg, pool adjacent violators), base R only.
# Rerun: Rscript tests/golden/hazard_calibration/make_reference.R (from the repository root).
here <- "tests/golden/hazard_calibration"
set.seed(15)
n <- 40
raw <- round(runif(n, 0.01, 0.99), 4)
# an overconfident forecaster: the true rate is pulled towards one half
truth <- plogis(0.5 * qlogis(raw))
hit <- rbinom(n, 1, truth)
write.csv(data.frame(raw = raw, hit = hit), file.path(here, "input.csv"), row.names = FALSE)
grid <- c(0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98)
eps <- 1e-4
lg <- function(p) qlogis(pmin(pmax(p, eps), 1 - eps))
platt <- glm(hit ~ lg(raw), family = binomial())
p_platt <- predict(platt, newdata = data.frame(raw = grid), type = "response")
out <- data.frame(raw = grid, platt = p_platt,
                  platt_intercept = coef(platt)[1], platt_slope = coef(platt)[2])
write.csv(out, file.path(here, "reference_platt.csv"), row.names = FALSE)
# isotonic fitted values at the data points (between them scikit-learn interpolates linearly and
# isoreg is a step function, so only the data points are compared)
iso <- isoreg(raw, hit)
fit <- data.frame(raw = sort(raw), isotonic = iso$yf)
write.csv(fit, file.path(here, "reference_isotonic.csv"), row.names = FALSE)
print(out); print(head(fit))
