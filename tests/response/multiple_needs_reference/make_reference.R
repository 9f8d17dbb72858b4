# Independent reference for the "multiple unmet needs" estimates, computed with
# R's survey package. Run from this folder:  Rscript make_reference.R
# Writes reference.csv (480 rows). Reads unmet.csv (not modified) and
# ../../analysis/interlinkage_se_reference/syn_cdta.csv.gz.
suppressPackageStartupMessages(library(survey))

inds <- c("d_nutr", "d_cm", "d_satt", "d_educ", "d_elct",
          "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst")

raw <- read.csv(gzfile("../../analysis/interlinkage_se_reference/syn_cdta.csv.gz"))
unmet <- read.csv("unmet.csv", stringsAsFactors = FALSE)

# 1. complete cases on the 10 indicators
d <- raw[complete.cases(raw[, inds]), ]
cat("rows:", nrow(raw), "->", nrow(d), "\n")
stopifnot(nrow(d) == 14903)

# 2. weight variants
d$w1 <- d$weight
d$w2 <- 1 + (d$psu %% 7) / 2

# 3. nested-weight deprivation score and poverty status
wts <- c(d_nutr = 1/6, d_cm = 1/6, d_satt = 1/6, d_educ = 1/6,
         d_elct = 1/18, d_sani = 1/18, d_wtr = 1/18, d_hsg = 1/18,
         d_ckfl = 1/18, d_asst = 1/18)
score <- as.vector(as.matrix(d[, names(wts)]) %*% wts)
d$poor <- as.numeric(score >= 0.33 - 1e-12)

# 4. sector deprivations
sec <- list(
  health    = as.numeric(d$d_cm == 1),
  nutrition = as.numeric(d$d_nutr == 1),
  wash      = as.numeric(d$d_wtr == 1 | d$d_sani == 1),
  education = as.numeric(d$d_satt == 1 | d$d_educ == 1)
)

# 5. count of deprivations among the person's region's unmet sectors
d$count <- 0
for (s in names(sec)) {
  regs <- unmet$region[unmet$sector_key == s]
  d$count <- d$count + sec[[s]] * as.numeric(d$region %in% regs)
}

fmt <- function(x) sprintf("%.17g", x)
out <- list()
for (wname in c("w1", "w2")) {
  d$w <- d[[wname]]
  for (m in 1:3) {
    for (cens in c(TRUE, FALSE)) {
      # 6. outcome
      d$y <- as.numeric(d$count >= m) * (if (cens) d$poor else 1)
      # 7. design (one per weight variant; rebuilt here only because y changes)
      des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w,
                       data = d, nest = TRUE)
      for (r in 1:2) {
        dr <- subset(des, t == r)
        est <- svyby(~y, ~region, dr, svymean)
        nn <- table(d$region[d$t == r])
        regs <- sort(unique(d$region))
        idx <- match(regs, est$region)
        out[[length(out) + 1]] <- data.frame(
          weights = wname,
          round = r,
          region = regs,
          min_sectors = m,
          censored = if (cens) "true" else "false",
          estimate = fmt(coef(est)[idx]),
          se = fmt(SE(est)[idx]),
          n = as.integer(nn[as.character(regs)]),
          stringsAsFactors = FALSE
        )
      }
    }
  }
}
res <- do.call(rbind, out)
res <- res[order(res$weights, res$round, res$region, res$min_sectors,
                 res$censored != "true"), ]
stopifnot(nrow(res) == 480)
write.csv(res, "reference.csv", row.names = FALSE, quote = FALSE)
cat("wrote reference.csv:", nrow(res), "rows\n")
