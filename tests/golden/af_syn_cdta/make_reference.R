#!/usr/bin/env Rscript
## Independent golden reference numbers for the Alkire-Foster (AF) engine,
## computed with plain calls to R's `survey` package, following the conventions
## of mpitbR 1.0.x (see README.md in this folder).
##
## Usage (from the repository root or anywhere):
##   Rscript tests/golden/af_syn_cdta/make_reference.R [/path/to/syn_cdta.csv] [out_dir]
## Defaults: the CSV at ../../../../shared/data/syn_cdta/syn_cdta.csv relative to
## this script; out_dir = the folder holding this script.

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
cat("lonely PSU option:", format(getOption("survey.lonely.psu")),
    "| adjust.domain.lonely:", format(getOption("survey.adjust.domain.lonely")), "\n")
cat("data:", csv_path, "\n")

## ---- data and design --------------------------------------------------------
raw <- read.csv(csv_path, colClasses = c(area = "character", region = "character"))
dat <- na.omit(raw)                       # complete cases BEFORE declaring the design
stopifnot(nrow(raw) == 15000, nrow(dat) == 14903)
dat$all <- "all"                          # constant grouping variable for national rows

## nested equal weights, computed as mpitbR does (1/#ind_in_dim * 1/#dims)
dims <- list(d1 = c("d_nutr", "d_cm"), d2 = c("d_satt", "d_educ"),
             d3 = c("d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"))
wdim <- 1 / length(dims)
w <- unlist(lapply(dims, function(x) rep(1 / length(x) * wdim, length(x))), use.names = FALSE)
inds <- unlist(dims, use.names = FALSE)
names(w) <- inds
stopifnot(abs(sum(w) - 1) < 1e-15)

## deprivation score c_i = sum_j w_j g_ij, summed left to right in indicator order
G <- as.matrix(dat[, inds])
dat$c <- apply(G %*% diag(w), 1, sum)

klist <- c(20, 33)
for (k in klist) {
  cut <- k / 100
  ## poverty: c >= k/100, plain floating-point comparison (no tolerance)
  dat[[paste0("poor_", k)]] <- as.numeric(dat$c >= cut)
  dat[[paste0("ck_", k)]] <- ifelse(dat$c >= cut, dat$c, 0)            # censored score
  for (j in inds) dat[[paste0("hdk_", k, "_", j)]] <- ifelse(dat$c >= cut, dat[[j]], 0)
  ## distance of the nearest score value to the cutoff (knife-edge check)
  cat(sprintf("k=%d: min |c - k/100| = %.3g\n", k, min(abs(dat$c - cut))))
}

des <- svydesign(id = ~psu, strata = ~stratum, weights = ~weight, data = dat)
DF <- degf(des)                       # #PSU - #strata of the full design
cat("PSUs:", length(unique(dat$psu)), " strata:", length(unique(dat$stratum)), " degf:", DF, "\n")
np <- tapply(dat$psu, dat$stratum, function(x) length(unique(x)))
cat("single-PSU strata (pooled):", sum(np == 1), "\n")
for (tt in 1:2) {
  d <- dat[dat$t == tt, ]
  np <- tapply(d$psu, d$stratum, function(x) length(unique(x)))
  cat("single-PSU strata in round", tt, ":", sum(np == 1), "of", length(np), "strata\n")
}

years <- tapply(dat$year, dat$t, unique)   # t=1 -> 2010, t=2 -> 2018.5
stopifnot(length(years) == 2)
dy <- unname(years["2"] - years["1"])
zq <- qnorm(0.975)
tq <- qt(0.975, df = DF)

overs <- c(national = "all", area = "area", region = "region")

## measure specification: list(measure, k, indicator, variable, poor-domain?)
specs <- list()
for (j in inds) specs[[length(specs) + 1]] <- list(measure = "hd", k = NA, ind = j, var = j, sub = NULL)
for (k in klist) {
  specs[[length(specs) + 1]] <- list(measure = "H",  k = k, ind = NA, var = paste0("poor_", k), sub = NULL)
  specs[[length(specs) + 1]] <- list(measure = "A",  k = k, ind = NA, var = paste0("ck_", k), sub = paste0("poor_", k))
  specs[[length(specs) + 1]] <- list(measure = "M0", k = k, ind = NA, var = paste0("ck_", k), sub = NULL)
  for (j in inds)
    specs[[length(specs) + 1]] <- list(measure = "hdk", k = k, ind = j, var = paste0("hdk_", k, "_", j), sub = NULL)
}

expit <- function(x) 1 / (1 + exp(-x))
logit <- function(p) log(p / (1 - p))

lev_rows <- list(); chg_rows <- list(); ciprop_diff <- list()
do_ciprop_check <- !identical(Sys.getenv("SKIP_SVYCIPROP"), "1")

for (ov in names(overs)) {
  gv <- overs[[ov]]
  for (s in specs) {
    d <- if (is.null(s$sub)) des else subset(des, get(s$sub) == 1)   # A: domain of the poor
    f <- make.formula(s$var)
    byf <- make.formula(c(gv, "t"))
    ## every subgroup x round is a domain of the ONE design; full covariance kept
    r <- svyby(f, byf, d, svymean, covmat = TRUE, na.rm = FALSE)
    b <- coef(r); V <- vcov(r)
    grp <- as.character(r[[gv]]); tt <- r$t
    se <- sqrt(diag(V))
    ## logit CI as svyciprop(method = "logit", df = degf(full design)):
    ## expit(logit(p) -/+ qt(.975, df) * SE(p) / (p (1 - p)))
    sel <- se / (b * (1 - b))
    lo <- expit(logit(b) - tq * sel); hi <- expit(logit(b) + tq * sel)
    ## unweighted n of each domain (for A: number of poor in the domain)
    inpop <- if (is.null(s$sub)) rep(TRUE, nrow(dat)) else dat[[s$sub]] == 1
    nn <- table(factor(paste(dat[[gv]], dat$t, sep = "\r")[inpop]))
    n <- as.integer(nn[paste(grp, tt, sep = "\r")])

    lev_rows[[length(lev_rows) + 1]] <- data.frame(
      measure = s$measure, k = s$k, indicator = s$ind, over = ov,
      group = if (ov == "national") NA else grp, time = tt,
      estimate = b, se = se, ci_low = lo, ci_high = hi, n = n, stringsAsFactors = FALSE)

    if (do_ciprop_check) {
      ## cross-check against survey's own svyciprop(method = "logit") as mpitbR calls it
      rc <- svyby(f, byf, d, svyciprop, vartype = c("se", "ci"), level = 0.95, df = DF)
      ciprop_diff[[length(ciprop_diff) + 1]] <- c(
        est = max(abs(coef(rc) - b)),
        se = max(abs(SE(rc) / se - 1)),
        ci = max(abs(c(rc$ci_l / lo - 1, rc$ci_u / hi - 1))))
    }

    ## changes t=1 -> t=2 by group, delta method with the between-round covariance
    if (s$measure %in% c("H", "A", "M0", "hd", "hdk")) {
      for (g in unique(grp)) {
        i1 <- which(grp == g & tt == 1); i2 <- which(grp == g & tt == 2)
        b1 <- unname(b[i1]); b2 <- unname(b[i2])
        Vg <- V[c(i1, i2), c(i1, i2)]
        ratio <- b2 / b1
        est <- c(abs = b2 - b1,
                 rel = 100 * (ratio - 1),
                 abs_ann = (b2 - b1) / dy,
                 rel_ann = 100 * (ratio^(1 / dy) - 1))
        ## gradients w.r.t. (b1, b2)
        grads <- list(abs = c(-1, 1),
                      rel = c(-100 * b2 / b1^2, 100 / b1),
                      abs_ann = c(-1, 1) / dy,
                      rel_ann = 100 / dy * ratio^(1 / dy) * c(-1 / b1, 1 / b2))
        for (ct in names(est)) {
          gr <- grads[[ct]]
          sei <- sqrt(sum(gr * as.vector(as.matrix(Vg) %*% gr)))
          chg_rows[[length(chg_rows) + 1]] <- data.frame(
            measure = s$measure, k = s$k, indicator = s$ind, over = ov,
            group = if (ov == "national") NA else g, change = ct,
            estimate = unname(est[ct]), se = sei,
            ci_low = unname(est[ct]) - zq * sei, ci_high = unname(est[ct]) + zq * sei,
            stringsAsFactors = FALSE)
        }
      }
    }
  }
}
lev <- do.call(rbind, lev_rows)
chg <- do.call(rbind, chg_rows)

## ---- contributions (no SE): actb_j = w_j * hdk_j ; pctb_j = actb_j / M0 --------
## (mpitbR's pctb is a share, NOT multiplied by 100)
hdk <- lev[lev$measure == "hdk", ]
m0 <- lev[lev$measure == "M0", ]
m0key <- paste(m0$k, m0$over, m0$group, m0$time)
actb <- hdk
actb$measure <- "actb"
actb$estimate <- hdk$estimate * w[hdk$indicator]
actb$se <- NA; actb$ci_low <- NA; actb$ci_high <- NA
pctb <- actb
pctb$measure <- "pctb"
pctb$estimate <- actb$estimate / m0$estimate[match(paste(actb$k, actb$over, actb$group, actb$time), m0key)]
stopifnot(!anyNA(pctb$estimate))
lev <- rbind(lev, actb, pctb)

## ---- order and write ----------------------------------------------------------
mord <- c(H = 1, A = 2, M0 = 3, hd = 4, hdk = 5, actb = 6, pctb = 7)
oord <- c(national = 1, area = 2, region = 3)
iord <- setNames(seq_along(inds), inds)
cord <- c(abs = 1, rel = 2, abs_ann = 3, rel_ann = 4)
gnum <- function(x) ifelse(is.na(x), -1, as.numeric(x))
lev <- lev[order(mord[lev$measure], ifelse(is.na(lev$k), 0, lev$k), ifelse(is.na(lev$indicator), 0, iord[lev$indicator]),
                 oord[lev$over], gnum(lev$group), lev$time), ]
chg <- chg[order(mord[chg$measure], ifelse(is.na(chg$k), 0, chg$k), ifelse(is.na(chg$indicator), 0, iord[chg$indicator]),
                 oord[chg$over], gnum(chg$group), cord[chg$change]), ]

fmt <- function(df) {
  for (nm in names(df)) {
    x <- df[[nm]]
    if (is.double(x) && !(nm %in% c("k", "time", "n"))) {
      df[[nm]] <- ifelse(is.na(x), "", sprintf("%.17g", x))
    } else {
      df[[nm]] <- ifelse(is.na(x), "", as.character(x))
    }
  }
  df
}
write.csv(fmt(lev), file.path(out_dir, "reference_levels.csv"), row.names = FALSE, quote = FALSE)
write.csv(fmt(chg), file.path(out_dir, "reference_changes.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(lev), "level rows and", nrow(chg), "change rows to", out_dir, "\n")

if (do_ciprop_check) {
  dd <- do.call(rbind, ciprop_diff)
  cat(sprintf("closed form vs svyciprop(logit), all %d domain sets: max |est diff| = %.3g, max rel SE diff = %.3g, max rel CI diff = %.3g\n",
              nrow(dd), max(dd[, "est"]), max(dd[, "se"]), max(dd[, "ci"])))
}
