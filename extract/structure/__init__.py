"""Lines to structure: normalization, boilerplate, segmentation and the outline tree."""
