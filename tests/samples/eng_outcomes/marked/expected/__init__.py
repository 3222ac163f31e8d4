todo = "the package expects failures"
