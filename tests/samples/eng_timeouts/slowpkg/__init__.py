# trial ignores a package's attributes; trialish reads them after the module's.
timeout = 0.3
