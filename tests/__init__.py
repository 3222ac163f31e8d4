"""trialish's own tests, run by trialish itself (``make test``).

Sample suites live in ``tests/samples/``, which has no ``__init__.py``: a
package walk never descends into it, so they are only run on purpose, by the
black-box tests, from a copy in a temporary folder.
"""
