# Reference numbers for tests/voice/test_roster.py: roster (repeat-group) indicators of indicators.yaml on
# the REACH MSNA 2024 dummy export (main.csv, edu_ind.csv, health_ind.csv written by make_subset.py),
# aggregated to households in base R (aggregate by _parent_index = the main sheet's index) and estimated
# with R's survey package (Lumley): weights, strata, clusters nested in strata, as the export gives them.
# Run from the repository root: Rscript tests/golden/voice_msna_roster/make_reference.R
# Skip logic, written out by hand: edu_access's relevant refers to calculates that are empty in the dummy
# (humsec then takes everyone who answered, as here); health_ind_healthcare_received is asked when
# health_ind_healthcare_needed is 'yes' (consent is 'yes' for every household).
library(survey)
suppressMessages(library(psych))
options(digits = 17)
here <- "tests/golden/voice_msna_roster"
rd <- function(f) read.csv(file.path(here, f), colClasses = "character", na.strings = character(0),
                                 check.names = FALSE)
d <- rd("main.csv"); edu <- rd("edu_ind.csv"); health <- rd("health_ind.csv")
d$weight <- as.numeric(d$weight)
member <- function(x, yes, missing, asked = TRUE) ifelse(!asked | x == "" | x %in% missing, NA,
                                                        as.numeric(x %in% yes))
to_household <- function(v, parent, f) {
  a <- aggregate(v, by = list(h = parent), FUN = f)  # drops members with NA (not in the base)
  unname(setNames(a$x, a$h)[d$index])                # NA for households with no member in the base
}
miss <- c("dnk", "pnta")
in_school <- member(edu$edu_access, "yes", miss)
out_school <- member(edu$edu_access, "no", miss)
needed <- member(health$health_ind_healthcare_needed, "yes", miss)
received <- member(health$health_ind_healthcare_received, "yes", miss,
                   asked = health$health_ind_healthcare_needed == "yes")
keep <- function(v) !is.na(v)
d$child_out_of_school <- to_household(out_school[keep(out_school)], edu$`_parent_index`[keep(out_school)], max)
d$children_in_school_share <- to_household(in_school[keep(in_school)], edu$`_parent_index`[keep(in_school)], mean)
d$members_needing_care <- to_household(needed[keep(needed)], health$`_parent_index`[keep(needed)], sum)
d$all_care_received <- to_household(received[keep(received)], health$`_parent_index`[keep(received)], min)
o <- data.frame(d$children_in_school_share, d$all_care_received, 1 - d$child_out_of_school)
complete <- complete.cases(o)
d$access_to_services <- ifelse(complete, rowMeans(o), NA)
des <- svydesign(ids = ~cluster_id, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
df <- degf(des)
shares <- c("child_out_of_school", "all_care_received")
rows <- list()
for (nm in c("child_out_of_school", "children_in_school_share", "members_needing_care",
             "all_care_received", "access_to_services")) {
  for (g in c("", sort(unique(d$setting)))) {
    base <- !is.na(d[[nm]]) & (g == "" | d$setting == g)
    sub <- subset(des, base)
    m <- svymean(as.formula(paste0("~", nm)), sub)
    ci <- if (nm %in% shares) attr(svyciprop(as.formula(paste0("~", nm)), sub, method = "logit", df = df), "ci")
          else confint(m, df = df)
    rows[[length(rows) + 1]] <- data.frame(name = nm, over = if (g == "") "national" else "setting",
      group = g, estimate = coef(m)[[1]], se = SE(m)[[1]], ci_low = ci[[1]], ci_high = ci[[2]],
      n = sum(base))
  }
}
out <- do.call(rbind, rows)
om <- suppressWarnings(suppressMessages(psych::omega(o[complete, ], nfactors = 1, plot = FALSE)))
out <- rbind(out, data.frame(name = "reliability:access_to_services", over = "", group = "",
  estimate = psych::alpha(o[complete, ], warnings = FALSE)$total$raw_alpha, se = om$omega.tot,
  ci_low = NA, ci_high = NA, n = sum(complete)))
write.csv(out, file.path(here, "reference.csv"), row.names = FALSE)
cat(sprintf("%d rows, design df %d, R %s, survey %s, psych %s\n", nrow(out), df, R.version.string,
            packageVersion("survey"), packageVersion("psych")))
print(out[out$over != "setting", ], digits = 8)
