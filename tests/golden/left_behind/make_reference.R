#!/usr/bin/env Rscript
## Golden numbers for humsec's "who is left behind" test: subgroup − national differences of AF
## measures with their design-based SEs, computed with R `survey` alone (no humsec code involved).
##
## The group is part of the nation, so the two estimates are correlated. Here the difference is a
## nonlinear function of four design-based totals, and `svycontrast` takes its SE by the delta method
## from their full covariance matrix (as `svytotal` estimates it) — an independent route to what humsec
## computes from the joint linearisation of the two domain estimates.
##
## Data: the bundled syn_cdta (src/humsec/datasets/data/syn_cdta.csv.gz), persons with any missing
## indicator dropped (the spec's `missing: drop`), design id=~psu, strata=~stratum, weights=~weight on
## both rounds (rounds are domains of one design; PSUs recur across rounds). Round t = 1, k = 33
## (global-MPI nested weights), measures M0, H and the censored headcount of d_elct, groups: region
## and area × region.
##
## Usage: Rscript tests/golden/left_behind/make_reference.R [out_dir]
suppressPackageStartupMessages(library(survey))
options(digits = 17)
script_dir <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f)) dirname(normalizePath(f[1])) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else script_dir
csv <- file.path(script_dir, "..", "..", "..", "src", "humsec", "datasets", "data", "syn_cdta.csv.gz")
cat(R.version.string, "| survey", as.character(packageVersion("survey")), "\n")

raw <- read.csv(gzfile(csv), colClasses = c(area = "character", region = "character"))
ind <- c("d_nutr", "d_cm", "d_satt", "d_educ", "d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst")
w <- c(1/6, 1/6, 1/6, 1/6, rep(1/18, 6))
dat <- raw[complete.cases(raw[, ind]), ]
score <- as.vector(as.matrix(dat[, ind]) %*% w)
poor <- as.numeric(score >= 33 / 100 - 1e-12 & score > 0)
r1 <- as.numeric(dat$t == 1)
dat$y_M0 <- score * poor * r1
dat$y_H <- poor * r1
dat$y_hdk <- dat$d_elct * poor * r1
dat$one <- r1
cat("persons:", nrow(dat), " round 1:", sum(r1), "\n")

groups <- list(region = dat$region, `area*region` = paste(dat$area, dat$region, sep = " × "))
rows <- list()
for (over in names(groups)) {
  labels <- sort(unique(groups[[over]]))
  for (g in labels) {
    dat$ing <- as.numeric(groups[[over]] == g) * r1
    for (m in c("M0", "H", "hdk")) {
      dat$y <- dat[[paste0("y_", m)]]
      dat$yg <- dat$y * dat$ing
      des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = dat)
      tot <- svytotal(~yg + ing + y + one, des)
      d <- svycontrast(tot, quote(yg / ing - y / one))
      grp <- svycontrast(tot, quote(yg / ing))
      nat <- svycontrast(tot, quote(y / one))
      rows[[length(rows) + 1]] <- data.frame(
        over = over, group = g, measure = m,
        estimate = sprintf("%.17g", coef(grp)), se = sprintf("%.17g", SE(grp)),
        national = sprintf("%.17g", coef(nat)), national_se = sprintf("%.17g", SE(nat)),
        gap = sprintf("%.17g", coef(d)), gap_se = sprintf("%.17g", SE(d)),
        n = sum(dat$ing)
      )
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "reference_gaps.csv"), row.names = FALSE)
cat("wrote", nrow(out), "rows to", file.path(out_dir, "reference_gaps.csv"), "\n")
