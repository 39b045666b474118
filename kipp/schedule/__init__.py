"""The panel round's presentation schedule: a pure planner (`plan`), request reading (`spec`),
the services that store and move slots (`services`), reads (`queries`), mails (`mail`) and
calendar files (`calendar`)."""
