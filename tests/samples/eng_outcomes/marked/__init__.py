# Package attributes reach every test below, unless something nearer says
# otherwise (trial ignores packages; trialish reads them after the module).
from twisted.trial.util import suppress

suppress = [suppress(category=UserWarning, message="hushed by the package")]
