#!/usr/bin/env Rscript
## Golden AF reference numbers under R survey's lonely-PSU rules
## (options(survey.lonely.psu = "certainty" | "remove" | "adjust")), computed with plain
## `survey` calls and the mpitbR conventions of ../af_syn_cdta (see README.md here).
##
## Usage:
##   Rscript tests/golden/af_lonely/make_reference.R [/path/to/syn_cdta.csv] [out_dir]
## Defaults: ../../../../shared/data/syn_cdta/syn_cdta.csv relative to this script;
## out_dir = the folder holding this script. Writes syn_cdta_lonely.csv and reference_lonely.csv.

suppressPackageStartupMessages(library(survey))
options(digits = 17)

script_dir <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f)) dirname(normalizePath(f[1])) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
csv_path <- if (length(args) >= 1) args[1] else
  file.path(script_dir, "..", "..", "..", "..", "shared", "data", "syn_cdta", "syn_cdta.csv")
out_dir <- if (length(args) >= 2) args[2] else script_dir
csv_path <- normalizePath(csv_path, mustWork = TRUE)

cat(R.version.string, "| survey", as.character(packageVersion("survey")), "\n")
cat("adjust.domain.lonely:", format(getOption("survey.adjust.domain.lonely")), "(default, left as is)\n")
cat("data:", csv_path, "\n")

## ---- derived data set -------------------------------------------------------
## 1. round t == 1 only; 2. na.omit (complete cases, all columns);
## 3. make some strata single-PSU: in each stratum of LONELY_STRATA keep only the rows
##    of its smallest psu id (drop all rows of its other PSUs).
## The brief asked for strata 101, 205, 310, 1520; 310 and 1520 do not exist in syn_cdta
## (strata are region*100 + 0..5), so each is replaced by the nearest existing stratum id
## of the same region: 310 -> 305, 1520 -> 1505.
LONELY_STRATA <- c(101, 205, 305, 1505)

raw <- read.csv(csv_path, colClasses = c(area = "character", region = "character"))
stopifnot(nrow(raw) == 15000)
dat <- na.omit(raw[raw$t == 1, ])
cat("t == 1:", sum(raw$t == 1), "rows; after na.omit:", nrow(dat), "\n")
stopifnot(all(LONELY_STRATA %in% dat$stratum))
keep <- rep(TRUE, nrow(dat))
for (s in LONELY_STRATA) {
  in_s <- dat$stratum == s
  p0 <- min(dat$psu[in_s])
  cat(sprintf("stratum %d: %d PSUs, keep psu %d (%d rows), drop %d rows\n", s,
              length(unique(dat$psu[in_s])), p0, sum(in_s & dat$psu == p0), sum(in_s & dat$psu != p0)))
  keep[in_s & dat$psu != p0] <- FALSE
}
dat <- dat[keep, ]
rownames(dat) <- NULL
out_data <- dat
attr(out_data, "na.action") <- NULL
## plain CSV, same columns as the input (character columns quoted as in the input; no NA left)
write.csv(out_data, file.path(out_dir, "syn_cdta_lonely.csv"), row.names = FALSE)
np <- tapply(dat$psu, dat$stratum, function(x) length(unique(x)))
cat("rows:", nrow(dat), " PSUs:", length(unique(dat$psu)), " strata:", length(np),
    " single-PSU strata:", sum(np == 1), "(", names(np)[np == 1], ")\n")
stopifnot(sum(np == 1) == length(LONELY_STRATA))
dat$all <- "all"

## ---- AF spec: nested equal weights, k = 33 -----------------------------------
dims <- list(health = c("d_nutr", "d_cm"), education = c("d_satt", "d_educ"),
             living = c("d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"))
wdim <- 1 / length(dims)
w <- unlist(lapply(dims, function(x) rep(1 / length(x) * wdim, length(x))), use.names = FALSE)
inds <- unlist(dims, use.names = FALSE)
names(w) <- inds
stopifnot(abs(sum(w) - 1) < 1e-15)
G <- as.matrix(dat[, inds])
dat$c <- apply(G %*% diag(w), 1, sum)
K <- 33
cut <- K / 100
dat$poor <- as.numeric(dat$c >= cut)                     # plain comparison, no tolerance
dat$ck <- ifelse(dat$c >= cut, dat$c, 0)
for (j in inds) dat[[paste0("hdk_", j)]] <- ifelse(dat$c >= cut, dat[[j]], 0)
cat(sprintf("k=%d: min |c - k/100| = %.3g\n", K, min(abs(dat$c - cut))))

specs <- list(list(measure = "H", k = K, ind = NA, var = "poor", sub = FALSE),
              list(measure = "A", k = K, ind = NA, var = "ck", sub = TRUE),
              list(measure = "M0", k = K, ind = NA, var = "ck", sub = FALSE))
for (j in inds) specs[[length(specs) + 1]] <- list(measure = "hd", k = NA, ind = j, var = j, sub = FALSE)
for (j in inds) specs[[length(specs) + 1]] <- list(measure = "hdk", k = K, ind = j, var = paste0("hdk_", j), sub = FALSE)
overs <- c(national = "all", region = "region")

expit <- function(x) 1 / (1 + exp(-x))
logit <- function(p) log(p / (1 - p))
do_ciprop_check <- !identical(Sys.getenv("SKIP_SVYCIPROP"), "1")

## ---- "fail": does R error? ------------------------------------------------------
options(survey.lonely.psu = "fail")
des_fail <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = dat)   # declaring works
cat("fail: degf =", degf(des_fail), "\n")
fail_msg <- tryCatch({ svymean(~poor, des_fail); "NO ERROR" }, error = function(e) conditionMessage(e))
cat("fail: svymean(~poor) ->", fail_msg, "\n")
fail_msg_by <- tryCatch({ svyby(~poor, ~region, des_fail, svymean); "NO ERROR" },
                        error = function(e) conditionMessage(e))
cat("fail: svyby(~poor, ~region, svymean) ->", fail_msg_by, "\n")

## ---- the three rules --------------------------------------------------------------
rows <- list(); diffs <- list(); manual <- list()
for (rule in c("certainty", "remove", "adjust")) {
  options(survey.lonely.psu = rule)
  des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = dat)
  DF <- degf(des)
  tq <- qt(0.975, df = DF)
  cat(sprintf("%s: degf = %d (PSUs %d - strata %d)\n", rule, DF, length(unique(dat$psu)),
              length(unique(dat$stratum))))
  for (ov in names(overs)) {
    gv <- overs[[ov]]
    for (s in specs) {
      d <- if (s$sub) subset(des, poor == 1) else des
      f <- make.formula(s$var)
      r <- svyby(f, make.formula(gv), d, svymean, na.rm = FALSE)
      b <- coef(r); se <- SE(r)
      grp <- as.character(r[[gv]])
      sel <- se / (b * (1 - b))
      lo <- expit(logit(b) - tq * sel); hi <- expit(logit(b) + tq * sel)
      inpop <- if (s$sub) dat$poor == 1 else rep(TRUE, nrow(dat))
      n <- as.integer(table(dat[[gv]][inpop])[grp])
      rows[[length(rows) + 1]] <- data.frame(
        lonely_psu = rule, measure = s$measure, k = s$k, indicator = s$ind, over = ov,
        group = if (ov == "national") NA else grp, estimate = unname(b), se = unname(se),
        ci_low = unname(lo), ci_high = unname(hi), n = n, stringsAsFactors = FALSE)
      if (do_ciprop_check) {
        rc <- svyby(f, make.formula(gv), d, svyciprop, vartype = c("se", "ci"), level = 0.95, df = DF)
        diffs[[length(diffs) + 1]] <- c(est = max(abs(coef(rc) - b)), se = max(abs(SE(rc) / se - 1)),
                                        ci = max(abs(c(rc$ci_l / lo - 1, rc$ci_u / hi - 1))))
      }
    }
  }
  ## independent hand computation of the national SE of H (documents the rule):
  ## z_i = w_i (y_i - ybar) / sum(w); Z_p = PSU totals; stratum h with n_h PSUs:
  ##   n_h > 1: n_h/(n_h-1) * sum_p (Z_p - mean_h Z)^2 ;
  ##   n_h = 1: certainty/remove -> 0 ; adjust -> Z_p^2 (not centred; grand mean of z is 0)
  ybar <- sum(dat$weight * dat$poor) / sum(dat$weight)
  z <- dat$weight * (dat$poor - ybar) / sum(dat$weight)
  Zp <- tapply(z, dat$psu, sum)
  hp <- tapply(dat$stratum, dat$psu, function(x) x[1])
  v <- 0
  for (h in unique(hp)) {
    zz <- Zp[hp == h]; nh <- length(zz)
    v <- v + if (nh > 1) nh / (nh - 1) * sum((zz - mean(zz))^2) else if (rule == "adjust") zz^2 else 0
  }
  manual[[rule]] <- sqrt(v)
}
ref <- do.call(rbind, rows)
for (rule in names(manual)) {
  se_svy <- ref$se[ref$lonely_psu == rule & ref$measure == "H" & ref$over == "national"]
  cat(sprintf("hand-computed national SE(H), %s: %.17g vs survey %.17g (rel diff %.2g)\n",
              rule, manual[[rule]], se_svy, abs(manual[[rule]] / se_svy - 1)))
  stopifnot(abs(manual[[rule]] / se_svy - 1) < 1e-12)
}
## certainty and remove give identical numbers in survey 4.1.1 (onestrat(): both return 0)
cr <- ref[ref$lonely_psu == "certainty", c("estimate", "se", "ci_low", "ci_high")] -
      ref[ref$lonely_psu == "remove", c("estimate", "se", "ci_low", "ci_high")]
cat("max |certainty - remove| over all numbers:", max(abs(as.matrix(cr))), "\n")
## estimates do not depend on the rule
stopifnot(max(abs(ref$estimate[ref$lonely_psu == "adjust"] - ref$estimate[ref$lonely_psu == "certainty"])) == 0)

## ---- order and write ----------------------------------------------------------
rord <- c(certainty = 1, remove = 2, adjust = 3)
mord <- c(H = 1, A = 2, M0 = 3, hd = 4, hdk = 5)
oord <- c(national = 1, region = 2)
iord <- setNames(seq_along(inds), inds)
ref <- ref[order(rord[ref$lonely_psu], mord[ref$measure],
                 ifelse(is.na(ref$indicator), 0, iord[ref$indicator]), oord[ref$over],
                 ifelse(is.na(ref$group), -1, as.numeric(ref$group))), ]
fmt <- function(df) {
  for (nm in names(df)) {
    x <- df[[nm]]
    df[[nm]] <- if (is.double(x) && !(nm %in% c("k", "n"))) ifelse(is.na(x), "", sprintf("%.17g", x))
                else ifelse(is.na(x), "", as.character(x))
  }
  df
}
write.csv(fmt(ref), file.path(out_dir, "reference_lonely.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(ref), "rows to", file.path(out_dir, "reference_lonely.csv"), "\n")
if (do_ciprop_check) {
  dd <- do.call(rbind, diffs)
  cat(sprintf("closed form vs svyciprop(logit), %d domain sets: max |est diff| = %.3g, max rel SE diff = %.3g, max rel CI diff = %.3g\n",
              nrow(dd), max(dd[, "est"]), max(dd[, "se"]), max(dd[, "ci"])))
}
