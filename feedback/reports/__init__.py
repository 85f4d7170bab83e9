"""Reports, their nested sections and the immutable versions of each section."""
