# Real data for `multiple_needs`: R survey's `apiclus1` (California Academic Performance Index,
# a one-stage cluster sample of school districts; see SOURCE.md). Run from this folder:
#   Rscript make_reference.R   -> writes apiclus1.csv.gz (the input) and reference.csv
suppressPackageStartupMessages(library(survey))
data(api)
keep <- c("cds", "stype", "dnum", "pw", "sch.wide", "awards", "meals", "ell", "full")
d <- apiclus1[, keep]
d$stype <- as.character(d$stype)
d$sch.wide <- as.character(d$sch.wide)
d$awards <- as.character(d$awards)
con <- gzfile("apiclus1.csv.gz", "w")
write.csv(d, con, row.names = FALSE)
close(con)

# deprivations as in spec.yaml; nested equal weights (3 dimensions, equal within)
d$d_sch <- as.numeric(d$sch.wide == "No")
d$d_awd <- as.numeric(d$awards == "No")
d$d_meal <- as.numeric(d$meals > 50)
d$d_ell <- as.numeric(d$ell > 25)
d$d_full <- as.numeric(d$full < 75)
w <- c(d_sch = 1/6, d_awd = 1/6, d_meal = 1/3, d_ell = 1/6, d_full = 1/6)
score <- as.vector(as.matrix(d[, names(w)]) %*% w)
poor <- as.numeric(score >= 0.40 - 1e-12)
# sectors: education = d_sch OR d_awd; food = d_meal; protection = d_ell (d_full: no sector)
count <- pmax(d$d_sch, d$d_awd) + d$d_meal + d$d_ell

fmt <- function(x) sprintf("%.17g", x)
rows <- list()
for (m in 1:3) for (cens in c(TRUE, FALSE)) {
  d$y <- as.numeric(count >= m) * (if (cens) poor else 1)
  des <- svydesign(ids = ~dnum, weights = ~pw, data = d)  # with replacement, no strata
  est <- svyby(~y, ~stype, des, svymean)
  rows[[length(rows) + 1]] <- data.frame(
    stype = as.character(est$stype), min_sectors = m, censored = if (cens) "true" else "false",
    estimate = fmt(coef(est)), se = fmt(SE(est)),
    n = as.integer(table(d$stype)[as.character(est$stype)]))
}
write.csv(do.call(rbind, rows), "reference.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, "; survey", as.character(packageVersion("survey")), "\n")
