# Reference numbers for humsec's unit-level EBP (Molina & Rao 2010): R `sae` 1.3 ebBHF and pbmseebBHF
# on `incomedata` (17,199 survey persons in 52 Spanish provinces) + `Xoutsamp` (713,301 out-of-sample
# census persons of 5 provinces), as in sae's help page: income + 3600 log-transformed (Box-Cox
# lambda = 0), poverty line z = 0.6 * median(income) = 6477.484.
#
# Rerun from the repository root (R with MASS and lme4; sae from the vendored source):
#   R CMD INSTALL -l /tmp/rlib-sae ../shared/vendor/r-sae-1.3
#   R_LIBS=/tmp/rlib-sae Rscript tests/golden/sae_incomedata/make_incomedata_reference.R
# Writes, beside this script:
#   incomedata.csv.gz       the survey (prov, income, the 9 dummies of sae's example)
#   xoutsamp_patterns.csv   Xoutsamp as its distinct rows with a count (111 rows; expand with count)
#   estimates.csv           case, domain, sampsize, indicator, eb, mc_sd, mc_draws
#                           eb = ebBHF's estimate; mc_sd = SD over its Monte Carlo draws, recorded
#                           by the indicator function itself (ebBHF returns only the mean), so the
#                           Monte Carlo SE of eb is mc_sd / sqrt(mc_draws)
#   parameters.csv          case, name, value (beta per term, sigma2_u, sigma2_e)
#   mse.csv                 case, indicator, domain, mse, B, MC  (pbmseebBHF)
# Cases: "log"     lambda = 0, constant = 3600, every province sampled;
#        "boxcox"  lambda = 0.25, constant = 3600;
#        "oos"     as "log" with province 5's survey rows removed (out of sample: gamma = 0).
suppressPackageStartupMessages(library(sae))
out <- "tests/golden/sae_incomedata"
data(incomedata)
data(Xoutsamp)
vars <- c("age2", "age3", "age4", "age5", "nat1", "educ1", "educ3", "labor1", "labor2")
survey <- incomedata[, c("prov", "income", vars)]
gz <- gzfile(file.path(out, "incomedata.csv.gz"), "w")
write.csv(survey, gz, row.names = FALSE)
close(gz)
patterns <- aggregate(list(count = rep(1L, nrow(Xoutsamp))), by = as.data.frame(Xoutsamp), FUN = sum)
patterns <- patterns[order(patterns$domain, -patterns$count), ]
write.csv(patterns, file.path(out, "xoutsamp_patterns.csv"), row.names = FALSE)

z <- 6477.484
formula <- income ~ age2 + age3 + age4 + age5 + nat1 + educ1 + educ3 + labor1 + labor2
domains <- unique(Xoutsamp[, "domain"])
cases <- list(log = list(lambda = 0, data = survey),
              boxcox = list(lambda = 0.25, data = survey),
              oos = list(lambda = 0, data = survey[survey$prov != 5, ]))
MC <- 1000
rec <- new.env()
indicator <- function(y) {  # records every indicator of each Monte Carlo population; returns FGT1
  v <- c(fgt0 = mean(y < z), fgt1 = mean((y < z) * (z - y) / z), mean = mean(y))
  rec$rows[[length(rec$rows) + 1]] <- v
  v[["fgt1"]]
}
est <- NULL
par <- NULL
for (case in names(cases)) {
  cfg <- cases[[case]]
  rec$rows <- list()
  set.seed(123)
  t0 <- proc.time()[["elapsed"]]
  res <- ebBHF(formula, dom = prov, selectdom = domains, Xnonsample = Xoutsamp, MC = MC,
               data = cfg$data, lambda = cfg$lambda, constant = 3600, indicator = indicator)
  cat(case, ": ebBHF with MC =", MC, "took", proc.time()[["elapsed"]] - t0, "s\n")
  draws <- do.call(rbind, rec$rows)  # rows in ebBHF's order: domain by domain, draw by draw
  stopifnot(nrow(draws) == length(domains) * MC)
  for (i in seq_along(domains)) {
    block <- draws[((i - 1) * MC + 1):(i * MC), , drop = FALSE]
    stopifnot(abs(mean(block[, "fgt1"]) - res$eb$eb[i]) < 1e-12)
    for (ind in colnames(block))
      est <- rbind(est, data.frame(case = case, domain = domains[i], sampsize = res$eb$sampsize[i],
                                   indicator = ind, eb = mean(block[, ind]), mc_sd = sd(block[, ind]),
                                   mc_draws = MC))
  }
  par <- rbind(par, data.frame(case = case, name = c(names(res$fit$fixed), "sigma2_u", "sigma2_e"),
                               value = c(res$fit$fixed, res$fit$refvar, res$fit$errorvar)))
}
options(digits = 17)
write.csv(format(est, digits = 17), file.path(out, "estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(par, digits = 17), file.path(out, "parameters.csv"), row.names = FALSE, quote = FALSE)

# Parametric-bootstrap MSE (pbmseebBHF), one run per indicator (it takes one indicator function)
fgt <- list(fgt0 = function(y) mean(y < z), fgt1 = function(y) mean((y < z) * (z - y) / z))
B <- 100
MCB <- 20
mse <- NULL
for (case in c("log", "oos")) for (ind in names(fgt)) {
  cfg <- cases[[case]]
  set.seed(123)
  t0 <- proc.time()[["elapsed"]]
  res <- capture.output(r <- pbmseebBHF(formula, dom = prov, selectdom = domains, Xnonsample = Xoutsamp,
                                        B = B, MC = MCB, data = cfg$data, lambda = cfg$lambda,
                                        constant = 3600, indicator = fgt[[ind]]))
  cat(case, ind, ": pbmseebBHF with B =", B, "MC =", MCB, "took", proc.time()[["elapsed"]] - t0, "s\n")
  mse <- rbind(mse, data.frame(case = case, indicator = ind, domain = r$mse$domain, mse = r$mse$mse,
                               B = B, MC = MCB))
  write.csv(format(mse, digits = 17), file.path(out, "mse.csv"), row.names = FALSE, quote = FALSE)
}
cat("sae", as.character(packageVersion("sae")), ":", nrow(est), "estimate rows,", nrow(mse), "MSE rows\n")
