# Independent reference (R `survey`) for design-based SEs of pairwise
# association measures (joint, phi, r0) between binary deprivation indicators.
# Run from this folder:  Rscript make_reference.R   -> writes reference.csv
suppressPackageStartupMessages(library(survey))
# survey.lonely.psu left at R's default ("fail")

inds <- c("d_nutr", "d_cm", "d_satt", "d_educ", "d_elct",
          "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst")

d <- read.csv(gzfile("syn_cdta.csv.gz"))
# 1. complete cases on all 10 indicators, before building the design
d <- d[complete.cases(d[, inds]), ]

# 2. stratified cluster design
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                 data = d, nest = TRUE)

rows <- list()
for (r in c(1, 2)) {
  # 3. round as a domain (subset of the full design, not rebuilt)
  dr <- subset(des, t == r)
  for (i in 1:(length(inds) - 1)) for (j in (i + 1):length(inds)) {
    A <- as.name(inds[i]); B <- as.name(inds[j])
    # 4. product column, then the three means jointly (with covariance)
    dab <- eval(bquote(update(dr, jab = .(A) * .(B))))
    m <- svymean(eval(bquote(~jab + .(A) + .(B))), dab)
    ha <- coef(m)[[inds[i]]]; hb <- coef(m)[[inds[j]]]
    phi_e <- bquote((jab - .(A) * .(B)) /
                      sqrt(.(A) * (1 - .(A)) * .(B) * (1 - .(B))))
    # r0 = p11 / min(ha, hb): divide by the smaller marginal (ha if ha <= hb)
    r0_e <- if (ha <= hb) bquote(jab / .(A)) else bquote(jab / .(B))
    phi <- svycontrast(m, phi_e)
    r0 <- svycontrast(m, r0_e)
    rows[[length(rows) + 1]] <- data.frame(
      round = r, indicator_a = inds[i], indicator_b = inds[j],
      joint = coef(m)[["jab"]], joint_se = SE(m)[["jab"]],
      h_a = ha, h_b = hb,
      phi = unname(coef(phi)), phi_se = unname(SE(phi)),
      r0 = unname(coef(r0)), r0_se = unname(SE(r0)))
  }
}
out <- do.call(rbind, rows)

# 5. full precision output
num <- sapply(out, is.numeric) & names(out) != "round"
out[num] <- lapply(out[num], sprintf, fmt = "%.17g")
write.csv(out, "reference.csv", row.names = FALSE, quote = FALSE)
cat("rows:", nrow(out), "\n")
