"""minga's platform-neutral core: events in, handlers, actions out."""
