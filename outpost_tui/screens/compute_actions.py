"""The actions of the machines, jobs, services and fleets screens.

Each mixin adds one screen's action methods. Every method that leads to a write is wrapped
by :func:`~outpost_tui.guard.mutating`, so read-only mode blocks it before any form or
confirmation opens. The keys come from the guard's registry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..api import OutpostError, PermissionDenied
from ..api.compute import FLEETS
from ..api.endpoints import PER_PAGE_MAX
from ..guard import mutating
from ..models import Fleet, Job, Machine, Service
from ..sanitize import clean_text
from ..widgets.presentation import format_money
from .actions import ResourceActions, Verb, status_in, status_not_in

# The form modules are imported where a form opens: they are not needed to show the
# first screen, and importing them up front slowed start-up.

# Machines cost money in these statuses; the others cost nothing per hour.
BILLED_MACHINE_STATUSES = ("running", "starting", "provisioning")


def machine_cost(machine: Machine) -> Decimal | None:
    return machine.cost_per_hour if machine.status in BILLED_MACHINE_STATUSES else Decimal(0)


def job_cost(job: Job) -> Decimal | None:
    return job.cost_per_hour if job.status in ("queued", "running") else Decimal(0)


def service_cost(service: Service) -> Decimal | None:
    if service.cost_per_hour_per_replica is None:
        return None
    return service.cost_per_hour_per_replica * (service.current_replicas or 0)


def fleet_is_idle(fleet: Fleet) -> bool:
    return not fleet.nodes_busy


MACHINE_START = Verb("start", "Start", "Started", "only a stopped machine can start", status_in("stopped"))
MACHINE_STOP = Verb("stop", "Stop", "Stopping", "only a running machine can stop", status_in("running"),
                    cost=machine_cost)
MACHINE_DELETE = Verb("delete", "Delete", "Deleting", "a deleting machine is already on its way out",
                      status_not_in("deleting"), cost=machine_cost, irreversible=True)
JOB_CANCEL = Verb("cancel", "Cancel", "Cancelled", "only a queued or running job can be cancelled",
                  status_in("queued", "running"), cost=job_cost)
JOB_DELETE = Verb("delete", "Delete", "Deleted", "only a finished job can be deleted; cancel it first",
                  status_in(*Job.TERMINAL_STATUSES), irreversible=True)
SERVICE_START = Verb("start", "Start", "Starting", "only a stopped or failed service can start",
                     status_in("stopped", "failed"))
SERVICE_STOP = Verb("stop", "Stop", "Stopped", "only a deploying, running or degraded service can stop",
                    status_in("deploying", "running", "degraded"), cost=service_cost)
SERVICE_DELETE = Verb("delete", "Delete", "Deleted", "", lambda service: True, cost=service_cost,
                      irreversible=True)
FLEET_DELETE = Verb("delete", "Delete", "Deleted", "a fleet with busy nodes cannot be deleted; wait for its jobs",
                    fleet_is_idle, irreversible=True)


class MachineActions(ResourceActions):
    """Create, start, stop, delete and change auto-stop of machines."""

    @mutating("machines.create")
    def action_create_machine(self) -> None:
        self.run_worker(self._open_create_machine(), group="form-load", exclusive=True, exit_on_error=False)

    async def _open_create_machine(self) -> None:
        try:
            catalog = await self.compute.catalog()
            ssh_keys = await self._ssh_keys()
        except OutpostError as exc:
            self.show_problem(exc, "New machine")
            return
        from .modals.machine_form import CreateMachineForm

        form = CreateMachineForm(self.compute, self.namespace, catalog, ssh_keys)
        self.app.push_screen(form, self._machine_created)

    async def _ssh_keys(self) -> list[Any]:
        try:
            return await self.compute.ssh_keys()
        except PermissionDenied as exc:
            # A scoped credential may not read SSH keys; the server then adds all of them.
            self.app.notify(f"SSH keys could not be listed ({exc.message}); the machine gets all of "
                            "the account's keys.", title="SSH keys", severity="warning")
            return []

    def _machine_created(self, machine: Machine | None) -> None:
        if machine is None:
            return
        self.app.notify(f"Machine {clean_text(machine.name)!r} is {machine.status} at "
                        f"{format_money(machine.cost_per_hour)}/hour.", title="Machine created")
        self.request_reload()

    @mutating("machines.start")
    def action_start_machine(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        if not MACHINE_START.allowed(item):
            self.app.notify(f"Machine {clean_text(item.name)!r} is {item.status}; {MACHINE_START.rule}.",
                            title="Start: nothing to do", severity="warning")
            return
        self.run_verb(MACHINE_START, [item])

    @mutating("machines.stop")
    def action_stop_machines(self) -> None:
        self.confirm_and_run(MACHINE_STOP)

    @mutating("machines.delete")
    def action_delete_machines(self) -> None:
        self.confirm_and_run(MACHINE_DELETE)

    @mutating("machines.auto_stop")
    def action_edit_auto_stop(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        from .modals.machine_form import AutoStopForm

        form = AutoStopForm(self.compute, self.namespace, item)
        self.app.push_screen(form, self._auto_stop_changed)

    def _auto_stop_changed(self, machine: Machine | None) -> None:
        if machine is None:
            return
        minutes = machine.auto_stop_minutes
        when = "never stops by itself" if minutes == 0 else f"stops after {minutes} idle minutes"
        self.app.notify(f"Machine {clean_text(machine.name)!r} now {when}.", title="Auto-stop changed")
        self.request_reload()


class JobActions(ResourceActions):
    """Submit, cancel and delete jobs; filter them by status and sort them."""

    SORT_FIELDS = ("created_at", "started_at", "completed_at", "name")

    @mutating("jobs.submit")
    def action_submit_job(self) -> None:
        self.run_worker(self._open_submit_job(), group="form-load", exclusive=True, exit_on_error=False)

    async def _open_submit_job(self) -> None:
        try:
            catalog = await self.compute.catalog()
            fleets = await self.app.client.list_page(FLEETS, self.namespace, per_page=PER_PAGE_MAX)
        except OutpostError as exc:
            self.show_problem(exc, "Submit job")
            return
        from .modals.job_form import SubmitJobForm

        form = SubmitJobForm(self.compute, self.namespace, catalog, fleets.items)
        self.app.push_screen(form, self._job_submitted)

    def _job_submitted(self, job: Job | None) -> None:
        if job is None:
            return
        where = f" on fleet {clean_text(job.fleet)!r}" if job.fleet else ""
        self.app.notify(f"Job {clean_text(job.name)!r} is {job.status}{where} at "
                        f"{format_money(job.cost_per_hour)}/hour.", title="Job submitted")
        self.request_reload()

    @mutating("jobs.cancel")
    def action_cancel_jobs(self) -> None:
        self.confirm_and_run(JOB_CANCEL)

    @mutating("jobs.delete")
    def action_delete_jobs(self) -> None:
        self.confirm_and_run(JOB_DELETE)


class ServiceActions(ResourceActions):
    """Scale, start, stop and delete services."""

    @mutating("services.scale")
    def action_scale_service(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        self.run_worker(self._open_scale(item.name), group="form-load", exclusive=True, exit_on_error=False)

    async def _open_scale(self, name: str) -> None:
        try:
            # The list item lacks the replica policy, which only a single GET returns.
            service = await self.app.client.get_item(self.KIND, self.namespace, name)
        except OutpostError as exc:
            self.show_problem(exc, "Scale service")
            return
        from .modals.service_form import ScaleServiceForm

        self.app.push_screen(ScaleServiceForm(self.compute, self.namespace, service), self._scaled)

    def _scaled(self, service: Service | None) -> None:
        if service is None:
            return
        if service.replicas is not None:
            summary = f"runs {service.replicas} replica(s)"
        else:
            summary = f"scales between {service.min_replicas} and {service.max_replicas} replicas"
        self.app.notify(f"Service {clean_text(service.name)!r} now {summary}.", title="Service scaled")
        self.request_reload()

    @mutating("services.start")
    def action_start_service(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        if not SERVICE_START.allowed(item):
            self.app.notify(f"Service {clean_text(item.name)!r} is {item.status}; {SERVICE_START.rule}.",
                            title="Start: nothing to do", severity="warning")
            return
        self.run_verb(SERVICE_START, [item])

    @mutating("services.stop")
    def action_stop_services(self) -> None:
        self.confirm_and_run(SERVICE_STOP)

    @mutating("services.delete")
    def action_delete_services(self) -> None:
        self.confirm_and_run(SERVICE_DELETE)


class FleetActions(ResourceActions):
    """Create fleets, change their node bounds and delete them."""

    @mutating("fleets.create")
    def action_create_fleet(self) -> None:
        self.run_worker(self._open_create_fleet(), group="form-load", exclusive=True, exit_on_error=False)

    async def _open_create_fleet(self) -> None:
        try:
            catalog = await self.compute.catalog()
        except OutpostError as exc:
            self.show_problem(exc, "New fleet")
            return
        from .modals.fleet_form import CreateFleetForm

        self.app.push_screen(CreateFleetForm(self.compute, self.namespace, catalog), self._fleet_saved)

    @mutating("fleets.update")
    def action_edit_fleet(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        self.run_worker(self._open_edit_fleet(item), group="form-load", exclusive=True, exit_on_error=False)

    async def _open_edit_fleet(self, fleet: Fleet) -> None:
        try:
            catalog = await self.compute.catalog()
        except OutpostError as exc:
            # The form still works without prices.
            self.show_problem(exc, "Fleet prices")
            catalog = None
        from .modals.fleet_form import EditFleetForm

        self.app.push_screen(EditFleetForm(self.compute, self.namespace, fleet, catalog), self._fleet_saved)

    def _fleet_saved(self, fleet: Fleet | None) -> None:
        if fleet is None:
            return
        self.app.notify(f"Fleet {clean_text(fleet.name)!r} keeps {fleet.min_nodes}-{fleet.max_nodes} nodes.",
                        title="Fleet saved")
        self.request_reload()

    @mutating("fleets.delete")
    def action_delete_fleets(self) -> None:
        self.confirm_and_run(FLEET_DELETE)
