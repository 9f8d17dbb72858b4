#!/usr/bin/env Rscript
## Golden AF reference numbers on REAL data shipped with R's survey package:
## `apistrat` (data(api); California API, stratified sample of 200 schools by school type).
## Deprivations are cut from raw columns (spec.yaml in this folder); conventions as in
## ../af_syn_cdta (mpitbR): c >= k/100, domains of one design, linearised SE, logit CI with
## df = degf(full design).
##
## Usage:  Rscript tests/golden/af_api/make_reference.R [out_dir]
## (no input path: the data come from the survey package itself; out_dir defaults to this folder)
## Writes apistrat.csv (the exported data) and reference_levels.csv.

suppressPackageStartupMessages(library(survey))
options(digits = 17)

script_dir <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f)) dirname(normalizePath(f[1])) else getwd()
})
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else script_dir
cat(R.version.string, "| survey", as.character(packageVersion("survey")), "\n")

data(api)
stopifnot(nrow(apistrat) == 200)
## export all 39 columns as shipped; NA written as an empty field; factors as their labels;
## double columns (pw, avg.ed, ...) with 17 significant digits so that they round-trip exactly
## (write.csv's default 15 digits would change pw = 44.209999084472656 to 44.2099990844727)
expo <- apistrat
for (nm in names(expo)) if (is.double(expo[[nm]]))
  expo[[nm]] <- ifelse(is.na(expo[[nm]]), NA, sprintf("%.17g", expo[[nm]]))
write.csv(expo, file.path(out_dir, "apistrat.csv"), row.names = FALSE, na = "", quote = which(sapply(apistrat, function(x) is.character(x) || is.factor(x))))
back <- read.csv(file.path(out_dir, "apistrat.csv"), colClasses = c(cds = "character"))
for (nm in names(apistrat)) {
  a <- apistrat[[nm]]; b <- back[[nm]]
  if (is.factor(a)) a <- as.character(a)
  if (all(is.na(a))) stopifnot(all(is.na(b))) else stopifnot(identical(a, b) || isTRUE(all(a == b | (is.na(a) & is.na(b)))))
}
cat("apistrat.csv round-trips exactly (all columns)\n")
cat("NA cells per column of apistrat (all columns):\n"); print(colSums(is.na(apistrat))[colSums(is.na(apistrat)) > 0])

## ---- spec (mirrors spec.yaml) ------------------------------------------------
ind_def <- list(
  low_api          = list(dim = "learning", col = "api00",  f = function(x) x < 650),
  low_growth       = list(dim = "learning", col = "growth", f = function(x) x <= 0),
  high_meals       = list(dim = "poverty",  col = "meals",  f = function(x) x >= 60),
  english_learners = list(dim = "poverty",  col = "ell",    f = function(x) x > 30),
  few_full_qual    = list(dim = "staff",    col = "full",   f = function(x) x < 80),
  not_year_round   = list(dim = "staff",    col = "yr.rnd", f = function(x) as.character(x) %in% "No"))
inds <- names(ind_def)
used <- c(sapply(ind_def, `[[`, "col"), "pw", "stype", "sch.wide")
cat("NA in used columns:\n"); print(colSums(is.na(apistrat[, used])))
dat <- na.omit(apistrat[, used])              # complete cases on the used columns only
cat("rows used:", nrow(dat), "of", nrow(apistrat), "\n")
stopifnot(nrow(dat) == nrow(apistrat))        # no NA in the used columns (documented in README)

## nested equal weights: 1/#dims * 1/#ind_in_dim = 1/3 * 1/2 = 1/6 each
dimv <- sapply(ind_def, `[[`, "dim")
w <- sapply(inds, function(j) 1 / length(unique(dimv)) * 1 / sum(dimv == dimv[j]))
stopifnot(abs(sum(w) - 1) < 1e-15)
for (j in inds) dat[[j]] <- as.numeric(ind_def[[j]]$f(dat[[ind_def[[j]]$col]]))
G <- as.matrix(dat[, inds])
dat$c <- apply(G %*% diag(w), 1, sum)
dat$all <- "all"
dat$stype <- as.character(dat$stype)
dat$sch.wide <- as.character(dat$sch.wide)
cat("deprivation counts:\n"); print(table(rowSums(G)))
## score values: exact multiples of 1/6 (knife edge at k=50: c = 3/6 must count as poor)
stopifnot(max(abs(dat$c - rowSums(G) / 6)) < 1e-15)
cat("distinct c values:", sprintf("%.17g", sort(unique(dat$c))), "\n")

klist <- c(20, 50)
for (k in klist) {
  cut <- k / 100
  poor <- dat$c >= cut                            # plain comparison, no tolerance
  ## with exactly 3 of 6 deprivations c == 0.5 exactly in floating point, so c >= 0.50 holds
  stopifnot(identical(poor, unname(rowSums(G) >= ceiling(6 * cut - 1e-9))))
  dat[[paste0("poor_", k)]] <- as.numeric(poor)
  dat[[paste0("ck_", k)]] <- ifelse(poor, dat$c, 0)
  for (j in inds) dat[[paste0("hdk_", k, "_", j)]] <- ifelse(poor, dat[[j]], 0)
  cat(sprintf("k=%d: poor %d of %d; min |c - k/100| = %.3g\n", k, sum(poor), nrow(dat), min(abs(dat$c - cut))))
}

des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = dat)   # each school its own PSU, no fpc
DF <- degf(des)
tq <- qt(0.975, df = DF)
cat("degf:", DF, "(", nrow(dat), "PSUs -", length(unique(dat$stype)), "strata )\n")

specs <- list()
for (k in klist) {
  specs[[length(specs) + 1]] <- list(measure = "H",  k = k, ind = NA, var = paste0("poor_", k), sub = NULL, dom = FALSE)
  specs[[length(specs) + 1]] <- list(measure = "A",  k = k, ind = NA, var = paste0("ck_", k), sub = paste0("poor_", k), dom = TRUE)
  specs[[length(specs) + 1]] <- list(measure = "M0", k = k, ind = NA, var = paste0("ck_", k), sub = NULL, dom = FALSE)
}
for (j in inds) specs[[length(specs) + 1]] <- list(measure = "hd", k = NA, ind = j, var = j, sub = NULL, dom = FALSE)
for (k in klist) for (j in inds)
  specs[[length(specs) + 1]] <- list(measure = "hdk", k = k, ind = j, var = paste0("hdk_", k, "_", j), sub = NULL, dom = FALSE)
overs <- c(national = "all", stype = "stype", sch.wide = "sch.wide")

expit <- function(x) 1 / (1 + exp(-x))
logit <- function(p) log(p / (1 - p))
do_ciprop_check <- !identical(Sys.getenv("SKIP_SVYCIPROP"), "1")

rows <- list(); diffs <- list()
for (ov in names(overs)) {
  gv <- overs[[ov]]
  for (s in specs) {
    d <- if (s$dom) subset(des, get(s$sub) == 1) else des      # A: domain of the poor
    f <- make.formula(s$var)
    r <- svyby(f, make.formula(gv), d, svymean, na.rm = FALSE)
    b <- coef(r); se <- SE(r)
    grp <- as.character(r[[gv]])
    sel <- se / (b * (1 - b))
    lo <- expit(logit(b) - tq * sel); hi <- expit(logit(b) + tq * sel)
    ## degenerate domain (p = 0 or 1, or SE = 0): the logit interval is 0/0; we write the
    ## collapsed interval [p, p] (svyciprop's glm does not converge there, see README)
    degen <- b <= 0 | b >= 1 | se <= 0
    lo[degen] <- b[degen]; hi[degen] <- b[degen]
    inpop <- if (s$dom) dat[[s$sub]] == 1 else rep(TRUE, nrow(dat))
    n <- as.integer(table(dat[[gv]][inpop])[grp])
    rows[[length(rows) + 1]] <- data.frame(
      measure = s$measure, k = s$k, indicator = s$ind, over = ov,
      group = if (ov == "national") NA else grp, estimate = unname(b), se = unname(se),
      ci_low = unname(lo), ci_high = unname(hi), n = n, stringsAsFactors = FALSE)
    if (do_ciprop_check) {
      rc <- suppressWarnings(svyby(f, make.formula(gv), d, svyciprop, vartype = c("se", "ci"), level = 0.95, df = DF))
      ok <- !degen
      if (any(degen)) cat(sprintf("degenerate domain %s %s %s %s=%s: estimate %.17g se %.17g; svyciprop gives est %.3g se %.3g ci [%.3g, %.3g]\n",
                                  s$measure, s$k, s$ind, ov, grp[degen], b[degen], se[degen], coef(rc)[degen],
                                  SE(rc)[degen], rc$ci_l[degen], rc$ci_u[degen]))
      diffs[[length(diffs) + 1]] <- c(est = max(abs(coef(rc) - b)[ok]), se = max(abs(SE(rc) / se - 1)[ok]),
                                      ci = max(abs(c(rc$ci_l / lo - 1, rc$ci_u / hi - 1)[c(ok, ok)])))
    }
  }
}
lev <- do.call(rbind, rows)
stopifnot(!anyNA(lev$se), !anyNA(lev$ci_low), !anyNA(lev$ci_high))

## ---- contributions (no SE): actb_j = w_j * hdk_j ; pctb_j = actb_j / M0 (a share) --
hdk <- lev[lev$measure == "hdk", ]
m0 <- lev[lev$measure == "M0", ]
key <- function(x) paste(x$k, x$over, x$group)
actb <- hdk
actb$measure <- "actb"
actb$estimate <- hdk$estimate * w[hdk$indicator]
actb$se <- NA; actb$ci_low <- NA; actb$ci_high <- NA
pctb <- actb
pctb$measure <- "pctb"
pctb$estimate <- actb$estimate / m0$estimate[match(key(actb), key(m0))]
stopifnot(!anyNA(pctb$estimate))
chk <- tapply(pctb$estimate, key(pctb), sum)
stopifnot(max(abs(chk - 1)) < 1e-12)                    # shares add up to 1
lev <- rbind(lev, actb, pctb)

mord <- c(H = 1, A = 2, M0 = 3, hd = 4, hdk = 5, actb = 6, pctb = 7)
oord <- c(national = 1, stype = 2, sch.wide = 3)
iord <- setNames(seq_along(inds), inds)
lev <- lev[order(mord[lev$measure], ifelse(is.na(lev$k), 0, lev$k),
                 ifelse(is.na(lev$indicator), 0, iord[lev$indicator]), oord[lev$over],
                 ifelse(is.na(lev$group), "", lev$group)), ]
fmt <- function(df) {
  for (nm in names(df)) {
    x <- df[[nm]]
    df[[nm]] <- if (is.double(x) && !(nm %in% c("k", "n"))) ifelse(is.na(x), "", sprintf("%.17g", x))
                else ifelse(is.na(x), "", as.character(x))
  }
  df
}
write.csv(fmt(lev), file.path(out_dir, "reference_levels.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(lev), "rows to", file.path(out_dir, "reference_levels.csv"), "\n")
if (do_ciprop_check) {
  dd <- do.call(rbind, diffs)
  cat(sprintf("closed form vs svyciprop(logit), %d domain sets: max |est diff| = %.3g, max rel SE diff = %.3g, max rel CI diff = %.3g\n",
              nrow(dd), max(dd[, "est"]), max(dd[, "se"]), max(dd[, "ci"])))
}
