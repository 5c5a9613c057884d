"""The review app: a local web server showing each document's source beside its reviewed
outline, turning every edit into a correction record (`extract review`)."""
