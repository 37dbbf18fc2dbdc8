"""Consular appointments (Rendez-vous)."""

from chalicelib.workflow.timers import register_timer_handler

# A release round's draw timer (deadline "consular-draw", decision 59): the round is not a
# case, so its callback goes to the round's own handler, imported on the first callback only.
register_timer_handler("consular-draw", "chalicelib.services.consular.releases:draw_due")
