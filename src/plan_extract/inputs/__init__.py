"""Readers for what users hold besides plain text: web pages, PDF files, URLs and manifests.

Each reader turns bytes into the text that items point into (`text == input[start:end]`) and
raises `plan_extract.reading.InputError` with one line naming the input and the reason.
"""
