"""Data in and out of the Atlas as files: `atlas import` (imports.py), reading files safely
(files.py) and the default dataset (dataset.py). Above the catalogue and the helplines: it uses
their record formats and services, which know nothing of files."""
