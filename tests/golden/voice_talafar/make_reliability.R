# Reference reliability for tests/voice/test_reliability.py: Cronbach's alpha (psych::alpha, raw alpha)
# and McDonald's omega total (psych::omega with one factor, minres on correlations) of the index of
# indicators.yaml on the clean Tal Afar export, all interviews and by "round". The survey had one round,
# so two stand-in rounds are made from the interview date: round 1 before 2021-07-10, round 2 from it.
# Run from the repository root: Rscript tests/golden/voice_talafar/make_reliability.R
suppressMessages(library(psych))
here <- "tests/golden/voice_talafar"
d <- read.csv(gzfile("../shared/data/talafar_water_perception_2021/cleaningtools_clean_data.csv.gz"),
              colClasses = "character", na.strings = character(0))
connected <- d$water_system_connection %in% c("permanent_subscription", "temporary_subscription",
                                                "share_subscription", "no_subscription")
rate <- c(excellent = 5, good = 4, adequate = 3, poor = 2, very_poor = 1)
score <- function(x, asked) ifelse(asked & x %in% names(rate), rate[x], NA)
binary <- function(x, yes, missing) ifelse(x == "" | x %in% missing, NA, as.numeric(x %in% yes))
# oriented 0-1, higher = better (as humsec's index)
o <- data.frame(
  trusts = binary(d$trust_water_office, "yes", c("dont_know", "prefer_not_answer")),
  service = (score(d$level_service, connected) - 1) / 4,
  regularity = (score(d$regularity_supply, connected) - 1) / 4,
  receptiveness = (score(d$water_office_receptiveness, connected) - 1) / 4,
  no_problems = 1 - binary(d$problems_water, "yes", c("dont_know", "prefer_not_answer"))
)
round_of <- ifelse(d$date_assessment < "2021-07-10", "1", "2")
rel <- function(label, keep) {
  x <- o[keep & complete.cases(o), ]
  om <- suppressWarnings(suppressMessages(psych::omega(x, nfactors = 1, plot = FALSE)))
  data.frame(index = "confidence_in_water_service", round = label, n = nrow(x),
             alpha = psych::alpha(x, warnings = FALSE)$total$raw_alpha, omega = om$omega.tot)
}
out <- rbind(rel("", TRUE), rel("1", round_of == "1"), rel("2", round_of == "2"))
write.csv(out, file.path(here, "reliability.csv"), row.names = FALSE)
cat(sprintf("R %s, psych %s\n", R.version.string, packageVersion("psych")))
print(out, digits = 12)
