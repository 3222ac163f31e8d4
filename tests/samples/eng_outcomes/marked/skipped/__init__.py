skip = "the package says skip"
