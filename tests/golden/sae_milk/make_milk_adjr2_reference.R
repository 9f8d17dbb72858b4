# Reference numbers for humsec's Fay-Herriot R² and adjusted R² (humsec.sae.fit_measures.fh_r2).
#
# emdi is not installed here, so its definition (emdi 2.x, R/model_select: R2 = 1 - MSE/MST of the OLS
# fit; AdjR2 of Lahiri & Suntornchost 2015 with h(x, b) = 2x / (1 + exp(2b/x))) is written out below
# with R's own lm(), summary(lm)$adj.r.squared and hatvalues(). Rerun from the repository root:
#   Rscript tests/golden/sae_milk/make_milk_adjr2_reference.R
# Writes adjr2.csv beside this script: model, R2, AdjR2, lm_adj_r2.
out <- "tests/golden/sae_milk"
milk <- read.csv(file.path(out, "milk.csv"))
milk$var <- milk$SD^2
h <- function(x, b) 2 * x / (1 + exp(2 * b / x))
one <- function(model, formula) {
  fit <- lm(formula, data = milk)
  m <- nrow(milk); p <- length(coef(fit))
  MSE <- sum(residuals(fit)^2) / (m - p)
  MST <- sum((milk$yi - mean(milk$yi))^2) / (m - 1)
  Dw <- sum((1 - hatvalues(fit)) * milk$var) / (m - p)
  data.frame(model = model, R2 = 1 - MSE / MST, AdjR2 = 1 - h(MSE, Dw) / h(MST, mean(milk$var)),
             lm_adj_r2 = summary(fit)$adj.r.squared)
}
res <- rbind(one("MajorArea", yi ~ as.factor(MajorArea)), one("SmallArea", yi ~ SmallArea))
write.csv(format(res, digits = 17), file.path(out, "adjr2.csv"), row.names = FALSE, quote = FALSE)
print(res)
