# Reference means and medians for tests/voice/test_numeric_golden.py, from R's survey package (Lumley), on
# the REACH MSNA 2024 dummy export (msna_numeric.csv, written by make_subset.py), twice: with the export's
# weight column, and with expansion weights from the sampling frame of loa.xlsx (sheet sample_frame:
# pop 1000, 2000, 4000 for PCODE11, PCODE12, PCODE21), weight = pop / interviews in the stratum.
# Run from the repository root: Rscript tests/golden/voice_msna_numeric/make_reference.R
library(survey)
options(digits = 17)
here <- "tests/golden/voice_msna_numeric"
d <- read.csv(file.path(here, "msna_numeric.csv"), colClasses = "character", na.strings = character(0))
pop <- c(PCODE11 = 1000, PCODE12 = 2000, PCODE21 = 4000)
d$frame_weight <- pop[d$stratum] / as.vector(table(d$stratum)[d$stratum])
# relevant written out by hand from the form
asked <- list(
  hh_size = d$consent == "yes",
  fsl_fcs_cereal = d$consent == "yes",
  health_facility_time = d$consent == "yes",
  wash_drinking_water_time_int = d$consent == "yes" & d$wash_drinking_water_time_yn == "number_minutes"
)
rows <- list()
for (wcol in c("weight", "frame_weight")) {
  d$w <- as.numeric(d[[wcol]])
  des <- svydesign(ids = ~cluster_id, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
  df <- degf(des)
  for (q in names(asked)) {
    base <- asked[[q]] & d[[q]] != ""
    d$x <- ifelse(base, as.numeric(ifelse(base, d[[q]], NA)), 0)
    des2 <- update(des, x = d$x)
    groups <- list(national = rep(TRUE, nrow(d)))
    for (g in sort(unique(d$setting))) groups[[paste0("setting=", g)]] <- d$setting == g
    for (gname in names(groups)) {
      sub <- subset(des2, base & groups[[gname]])
      m <- svymean(~x, sub)
      ci <- confint(m, df = df)
      qu <- svyquantile(~x, sub, quantiles = 0.5, qrule = "math", interval.type = "mean", df = df)$x
      over <- if (gname == "national") "national" else "setting"
      group <- if (gname == "national") "" else sub("setting=", "", gname)
      rows[[length(rows) + 1]] <- data.frame(weights = wcol, question = q, option = c("mean", "median"),
        over = over, group = group, estimate = c(coef(m)[[1]], qu[1, "quantile"]),
        se = c(SE(m)[[1]], qu[1, "se"]), ci_low = c(ci[1, 1], qu[1, 2]), ci_high = c(ci[1, 2], qu[1, 3]),
        n = sum(base & groups[[gname]]))
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "reference.csv"), row.names = FALSE)
cat(sprintf("%d rows, design df %d, R %s, survey %s\n", nrow(out), df, R.version.string, packageVersion("survey")))
