#include "hotplug/vif/vif_flow.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netmodes/host/lock.h"
#include "netmodes/host/dhcp_host.h"
#include "netmodes/nft/nft_conn.h"
#include "netmodes/rtnl/rtnl.h"
#include "hotplug/call/config.h"
#include "hotplug/call/deadline.h"
#include "hotplug/vif/hooks.h"
#include "hotplug/xen/libxl_owned.h"
#include "hotplug/call/log.h"
#include "hotplug/call/nft_release.h"
#include "hotplug/call/parse.h"
#include "hotplug/vif/request.h"
#include "hotplug/xen/xs.h"

struct call {
	struct vif_request r;
	struct vif_params params;
	struct xs_handle *xs;
	struct rt_conn *nl;
	struct nft_conn *nft; /* lent, or own_nft */
	struct nft_conn own_nft; /* opens its socket on first use only */
	struct hp_lock lock;
	struct plan plan;
	struct vif_outcome out;
	struct dhcp_settings dhcp;
	struct nm_err e;
	const struct call_env *env; /* the invocation's */
	bool dry_run_maybe; /* the invocation's: nothing is reported to xenstore for it */
	bool checking; /* xen-netmodes check's plan (vif_flow_plan), not a call's */
	deadline_t deadline; /* 0: none (a call the daemon's watch makes) */
};

/* udev's call for a domain whose toolstack runs the scripts itself stands aside. */
static bool udev_call_disabled(struct call *c, char **envp)
{
	const char *udev = env_get(envp, "UDEV_CALL");
	char backend[XS_PATH_LEN];
	unsigned domid, devid;

	if (!udev || !*udev)
		return false;
	/* a bad XENBUS_PATH is the call's to refuse, with its reason */
	if (parse_xenbus_path(env_get(envp, "XENBUS_PATH"), backend, sizeof(backend), &domid, &devid,
			      NULL) < 0)
		return false;
	if ((!c->xs && xsw_open(&c->xs, &c->e) < 0) || !libxl_runs_scripts(c->xs, domid))
		return false;
	log_line(LOG_INFO, "udev's call for %s left to libxl, which runs the script itself.", backend);
	return true;
}

/*
 * A request refused before its backend was known (a bad command or
 * argument) is still reported there when XENBUS_PATH itself is sound, so
 * the toolstack sees why; never for what may have been a dry run.
 */
static void backend_from_env(struct call *c, const struct invocation *inv)
{
	unsigned domid, devid;

	if (c->r.backend[0] || inv->dry_run)
		return;
	if (parse_xenbus_path(env_get(inv->envp, "XENBUS_PATH"), c->r.backend, sizeof(c->r.backend),
			      &domid, &devid, NULL) < 0)
		c->r.backend[0] = '\0';
}

static void report_failure(struct call *c)
{
	char path[XS_PATH_LEN + 32];
	struct nm_err we = { "" };
	struct xs_handle *xs, *fresh = NULL;

	log_line(LOG_ERR, "%s %s %s: %s", c->r.prog, vif_command_name(c->r.cmd),
		 c->r.dev[0] ? c->r.dev : "?", c->e.msg);
	if (c->dry_run_maybe || !c->r.backend[0])
		return;
	/* The call's connection when it has one (a lent one is never closed here). */
	if (!(xs = c->xs)) {
		if (xsw_open(&fresh, &we) < 0) {
			log_line(LOG_ERR, "cannot report the failure: %s", we.msg);
			return;
		}
		xs = fresh;
	}
	snprintf(path, sizeof(path), "%s/hotplug-error", c->r.backend);
	/* The failure may be xenstore hanging up: then once more, on a new connection. */
	if (xsw_write(xs, path, c->e.msg, &we) < 0) {
		xsw_close(fresh);
		fresh = NULL;
		we.msg[0] = '\0';
		if (xsw_open(&fresh, &we) < 0)
			goto out;
		xs = fresh;
		if (xsw_write(xs, path, c->e.msg, &we) < 0)
			goto out;
	}
	snprintf(path, sizeof(path), "%s/hotplug-status", c->r.backend);
	(void)xsw_write(xs, path, "error", &we);
out:
	xsw_close(fresh);
	if (we.msg[0])
		log_line(LOG_ERR, "cannot report the failure: %s", we.msg);
}

/* The vif's lock, waited for at most VIF_LOCK_TIMEOUT_MS and never past the call's deadline. */
static int claim_vif_lock(struct call *c, const char *name)
{
	unsigned left = deadline_left(c->deadline), wait = VIF_LOCK_TIMEOUT_MS;
	int rc;

	if (c->deadline)
		wait = left <= CALL_WORK_MS ? 0 : left - CALL_WORK_MS;
	if (wait > VIF_LOCK_TIMEOUT_MS)
		wait = VIF_LOCK_TIMEOUT_MS;
	if ((rc = lock_claim(c->env->lock_dir, name, wait, &c->lock, &c->e)) == -ETIMEDOUT && c->deadline) {
		struct nm_err inner = c->e;
		rc = nm_fail(&c->e, rc, "%s: the call's deadline", inner.msg);
	}
	return rc;
}

/* Tells the frontend the MTU its vif comes up with, when it does not know it yet. */
static int plan_frontend_mtu(struct call *c)
{
	char path[XS_PATH_LEN + 8], value[16], now[16];

	if (!c->out.mtu || c->r.type != VIF_TYPE_VIF || !c->r.frontend[0])
		return 0;
	snprintf(path, sizeof(path), "%s/mtu", c->r.frontend);
	snprintf(value, sizeof(value), "%u", c->out.mtu);
	switch (xsw_read(c->xs, path, now, sizeof(now), NULL)) {
	case 0: /* what it holds is what undo puts back: no second read when applied */
		return strcmp(now, value) ? op_xs_write_over(&c->plan, c->xs, path, value, now) : 0;
	case -ENOENT:
		return op_xs_write_new(&c->plan, c->xs, path, value);
	default: /* unreadable here (too long?): applying reads it again, as it does any node */
		return op_xs_write(&c->plan, c->xs, path, value);
	}
}

/*
 * What the call changes, planned from live state: the mode's plan, then
 * the frontend's mtu. check lists exactly this.
 */
static int plan_changes(struct call *c, vif_planner *planner)
{
	struct mode_ctx ctx;
	char lock_name[64];
	int rc;

	/* vif-openvswitch's external_ids: read for it alone (four more reads) */
	c->r.want_vm_ids = planner == ovs_plan;
	if ((rc = request_read_xenstore(&c->r, c->xs, &c->params, &c->e)) < 0 ||
	    (rc = config_vif_defaults(c->env->conf, c->params.dhcp, &c->dhcp, &c->r, &c->e)) < 0)
		return rc;
	if (!c->nl && (rc = rt_open(&c->nl, &c->e)) < 0)
		return rc;
	/* Calls for one vif go in order; calls for different vifs never wait for each other. */
	snprintf(lock_name, sizeof(lock_name), "xen-netmodes-vif%u.%u%s", c->r.domid, c->r.devid,
		 c->r.type == VIF_TYPE_TAP ? "-emu" : "");
	if (!c->r.dry_run && (rc = claim_vif_lock(c, lock_name)) < 0)
		return rc;
	ctx = (struct mode_ctx){ .nl = c->nl, .nft = c->nft, .env = c->env,
				 .dhcp = &c->dhcp, .deadline_ms = c->deadline,
				 .unread = !c->r.dry_run ? UNREAD_FAILS
					   : c->checking ? UNREAD_AS_IN_PLACE
							 : UNREAD_AS_MISSING };
	if ((rc = planner(&c->r, &ctx, &c->plan, &c->out, &c->e)) < 0)
		return rc;
	if ((rc = plan_frontend_mtu(c)) < 0)
		return nm_fail(&c->e, rc, "out of memory");
	return 0;
}

/* The whole call: its changes, then the hooks and the report to the toolstack. */
static int plan_call(struct call *c, vif_planner *planner)
{
	char path[XS_PATH_LEN + 32];
	int rc;

	if ((rc = plan_changes(c, planner)) < 0)
		return rc;
	if (c->out.left_alone[0])
		return 0; /* someone else's device: no hooks for it either */
	if ((rc = op_hooks(&c->plan, &c->r, c->out.dev, c->out.bridge)) < 0)
		return nm_fail(&c->e, rc, "out of memory");
	/* Last, so the toolstack sees "connected" only when everything is in place. */
	if (c->r.type == VIF_TYPE_VIF && c->r.cmd == VIF_ONLINE) {
		snprintf(path, sizeof(path), "%s/hotplug-status", c->r.backend);
		if ((rc = op_xs_write_last(&c->plan, c->xs, path, "connected")) < 0)
			return nm_fail(&c->e, rc, "out of memory");
	}
	return 0;
}

/*
 * A dry run planned without a part of the live state (its mode could not
 * read it) has printed every step it would take; it ends by saying that the
 * real call would fail, and fails with the reason the real call gives, as
 * a dry run does whose call would fail before any step.
 */
static int dry_run_unread(struct call *c)
{
	if (!c->out.unread[0])
		return 0;
	if (c->out.unread_what[0])
		printf("# %s could not be read: the steps above take it for missing\n",
		       c->out.unread_what);
	printf("# the real call would fail: %s\n", c->out.unread);
	fflush(stdout);
	return nm_fail(&c->e, -EIO, "%s", c->out.unread);
}

static int run(struct call *c, vif_planner *planner, const struct invocation *inv)
{
	int rc = request_from_invocation(&c->r, inv, &c->params, &c->e);

	if (rc != 0)
		return rc;
	if (!c->xs && (rc = xsw_open(&c->xs, &c->e)) < 0)
		return rc;
	if ((rc = plan_call(c, planner)) < 0)
		return rc;
	if (c->r.dry_run) {
		printf("# %s %s %s (%s)\n", c->r.prog, vif_command_name(c->r.cmd), c->r.dev,
		       c->r.backend);
		if (c->out.left_alone[0])
			printf("# %s\n", c->out.left_alone);
		plan_describe(&c->plan, stdout);
		return dry_run_unread(c);
	}
	/*
	 * An offline whose devices are all someone else's succeeds having done
	 * nothing: this backend has nothing left on the host to take down, and
	 * libxl, tearing down a guest whose create failed, has no use for an
	 * error here (it would report the destroy as failed too).
	 */
	if (c->out.left_alone[0]) {
		log_line(LOG_WARNING, "%s %s %s: %s", c->r.prog, vif_command_name(c->r.cmd), c->r.dev,
			 c->out.left_alone);
		return 0;
	}
	if ((rc = plan_apply(&c->plan, c->env, &c->e)) < 0)
		return rc;
	log_line(LOG_INFO, "Successful %s %s for %s%s%s.", c->r.prog, vif_command_name(c->r.cmd),
		 c->out.dev, c->out.bridge[0] ? ", bridge " : "", c->out.bridge);
	return 0;
}

void vif_flow_refused(const char *prog, const char *msg, const struct invocation *inv)
{
	struct call c = { .r.prog = prog, .lock.fd = -1, .env = &inv->env,
			  .dry_run_maybe = inv->dry_run };
	const char *vif = env_get(inv->envp, "vif");

	log_init(prog);
	snprintf(c.e.msg, sizeof(c.e.msg), "%s", msg);
	snprintf(c.r.dev, sizeof(c.r.dev), "%s", vif ? vif : "");
	backend_from_env(&c, inv);
	report_failure(&c);
	xsw_close(c.xs);
}

/* The connections c was lent, and its own nftables connection when it was lent none. */
static void call_conns(struct call *c, const struct flow_conns *lent)
{
	c->xs = lent->xs;
	c->nl = lent->nl;
	if (!(c->nft = lent->nft)) {
		nft_conn_init(&c->own_nft);
		c->nft = &c->own_nft;
	}
}

/*
 * What the call opened itself is closed; what it was lent stays open. Its
 * own nftables socket goes last, by a child when its last close would wait
 * for the kernel's release of the commit (hotplug/nft_release.c).
 */
static void call_close(struct call *c, const struct flow_conns *lent)
{
	if (c->nl && c->nl != lent->nl)
		rt_close(c->nl);
	if (c->xs != lent->xs)
		xsw_close(c->xs);
	if (c->nft == &c->own_nft)
		nft_conn_close_detached(&c->own_nft);
}

int vif_flow_serve(const char *prog, vif_planner *planner, const struct invocation *inv,
		   deadline_t deadline, const struct flow_conns *lent)
{
	struct call c = { .r.prog = prog, .lock.fd = -1, .env = &inv->env, .deadline = deadline,
			  .dry_run_maybe = inv->dry_run };
	char **envp = inv->envp;
	int rc;

	call_conns(&c, lent);
	log_init(prog);
	if (udev_call_disabled(&c, envp))
		rc = 0;
	else if ((rc = run(&c, planner, inv)) < 0) {
		backend_from_env(&c, inv);
		report_failure(&c);
	}
	lock_release(&c.lock);
	plan_free(&c.plan);
	call_close(&c, lent);
	return rc < 0 ? 1 : 0;
}

int vif_flow_plan(const char *prog, vif_planner *planner, const struct invocation *inv,
		  deadline_t deadline, const struct flow_conns *lent, struct plan *ret,
		  struct nm_err *e)
{
	struct call c = { .r.prog = prog, .lock.fd = -1, .env = &inv->env, .deadline = deadline,
			  .dry_run_maybe = true, .checking = true };
	int rc;

	call_conns(&c, lent);
	rc = inv->dry_run ? request_from_invocation(&c.r, inv, &c.params, &c.e) : -EINVAL;
	if (rc == 0 && !c.xs)
		rc = xsw_open(&c.xs, &c.e);
	if (rc == 0)
		rc = plan_changes(&c, planner);
	*ret = c.plan;
	if (rc < 0)
		*e = c.e;
	else if (c.out.unread[0])
		nm_set(e, "%s is unverifiable: %s",
		       c.out.unread_what[0] ? c.out.unread_what : "a part of its state", c.out.unread);
	call_close(&c, lent);
	return rc < 0 ? rc : c.out.unread[0] ? 1 : 0;
}

int vif_flow_run(const char *prog, vif_planner *planner, const struct invocation *inv,
		 deadline_t deadline)
{
	const struct flow_conns none = { NULL, NULL, NULL };

	return vif_flow_serve(prog, planner, inv, deadline, &none);
}
