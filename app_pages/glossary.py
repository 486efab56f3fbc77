"""Begreber: one meaning per word, every term the pages use defined once."""

from dashboard import glossary

glossary.draw()
