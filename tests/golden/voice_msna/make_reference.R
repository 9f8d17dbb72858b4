# Reference shares for tests/voice/test_tabulate_golden.py, from R's survey package (Lumley), on the
# REACH MSNA 2024 dummy export (msna_subset.csv, written by make_subset.py).
# Run from the repository root: Rscript tests/golden/voice_msna/make_reference.R
# The base of each question is the form's relevant logic (written out by hand below) and a non-empty answer.
library(survey)
options(digits = 17)
here <- "tests/golden/voice_msna"
d <- read.csv(file.path(here, "msna_subset.csv"), colClasses = "character", na.strings = character(0))
d$weight <- as.numeric(d$weight)
des <- svydesign(ids = ~cluster_id, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
df <- degf(des)
picked <- function(x, o) vapply(strsplit(x, " "), function(p) o %in% p, logical(1))
asked <- list(
  aap_received_assistance_12m = d$consent == "yes",
  aap_priority_challenge = d$consent == "yes",
  snfi_shelter_issue = d$consent == "yes" & !picked(d$snfi_shelter_type, "none")
)
rows <- list()
for (q in names(asked)) {
  base <- asked[[q]] & d[[q]] != ""
  opts <- sort(unique(unlist(strsplit(d[[q]][base], " "))))
  for (o in opts) {
    des2 <- update(des, y = as.numeric(picked(d[[q]], o)))
    sub <- subset(des2, base)
    m <- svymean(~y, sub)
    ci <- svyciprop(~y, sub, method = "logit", df = df)
    rows[[length(rows) + 1]] <- data.frame(question = q, option = o, over = "national", group = "",
      estimate = coef(m)[[1]], se = SE(m)[[1]], ci_low = attr(ci, "ci")[[1]], ci_high = attr(ci, "ci")[[2]],
      n = sum(base))
    by <- svyby(~y, ~setting, sub, svymean)
    for (g in by$setting) {
      subg <- subset(sub, setting == g)
      cig <- svyciprop(~y, subg, method = "logit", df = df)
      rows[[length(rows) + 1]] <- data.frame(question = q, option = o, over = "setting", group = g,
        estimate = by[by$setting == g, "y"], se = by[by$setting == g, "se"],
        ci_low = attr(cig, "ci")[[1]], ci_high = attr(cig, "ci")[[2]], n = sum(base & d$setting == g))
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "reference.csv"), row.names = FALSE)
cat(sprintf("%d rows, design df %d, R %s, survey %s\n", nrow(out), df, R.version.string, packageVersion("survey")))
