# Real-data reference for the interlinkage SEs: R survey's apiclus1 (California schools, one-stage
# cluster sample; ../../response/multiple_needs_reference/apiclus1/SOURCE.md), the five deprivations
# of that folder's spec.yaml, uncensored and censored at k = 40 % (nested equal weights).
# Run from this folder:  Rscript make_reference_apiclus1.R   -> writes reference_apiclus1.csv
suppressPackageStartupMessages(library(survey))
d <- read.csv(gzfile("../../response/multiple_needs_reference/apiclus1/apiclus1.csv.gz"))
d$d_sch <- as.numeric(d$sch.wide == "No")
d$d_awd <- as.numeric(d$awards == "No")
d$d_meal <- as.numeric(d$meals > 50)
d$d_ell <- as.numeric(d$ell > 25)
d$d_full <- as.numeric(d$full < 75)
w <- c(d_sch = 1/6, d_awd = 1/6, d_meal = 1/3, d_ell = 1/6, d_full = 1/6)
inds <- names(w)
poor <- as.numeric(as.vector(as.matrix(d[, inds]) %*% w) >= 0.40 - 1e-12)
fmt <- function(x) sprintf("%.17g", x)
rows <- list()
for (version in c("uncensored", "censored")) {
  e <- d
  if (version == "censored") for (v in inds) e[[v]] <- e[[v]] * poor
  des <- svydesign(ids = ~dnum, weights = ~pw, data = e)
  for (i in 1:(length(inds) - 1)) for (j in (i + 1):length(inds)) {
    A <- as.name(inds[i]); B <- as.name(inds[j])
    dab <- eval(bquote(update(des, jab = .(A) * .(B))))
    m <- svymean(eval(bquote(~jab + .(A) + .(B))), dab)
    ha <- coef(m)[[inds[i]]]; hb <- coef(m)[[inds[j]]]
    phi <- svycontrast(m, bquote((jab - .(A) * .(B)) / sqrt(.(A) * (1 - .(A)) * .(B) * (1 - .(B)))))
    r0 <- svycontrast(m, if (ha <= hb) bquote(jab / .(A)) else bquote(jab / .(B)))
    rows[[length(rows) + 1]] <- data.frame(
      version = version, indicator_a = inds[i], indicator_b = inds[j],
      joint = fmt(coef(m)[["jab"]]), joint_se = fmt(SE(m)[["jab"]]),
      phi = fmt(coef(phi)), phi_se = fmt(SE(phi)), r0 = fmt(coef(r0)), r0_se = fmt(SE(r0)))
  }
}
write.csv(do.call(rbind, rows), "reference_apiclus1.csv", row.names = FALSE, quote = FALSE)
