"""eTimbre: consular fees paid as electronic stamps."""

from chalicelib.workflow.timers import register_timer_handler

# An unpaid stamp's expiry timer (deadline "etimbre:expiry"): the stamp is not a case, so its
# callback goes to the stamp's own handler, imported on the first callback only.
register_timer_handler("etimbre:", "chalicelib.services.etimbre.payment:stamp_timer_fired")
