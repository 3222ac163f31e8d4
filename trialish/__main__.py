"""``python -m trialish``."""

from trialish._cli import console_main

console_main()
