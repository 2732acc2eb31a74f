/* provision/console.c — relay a VM's serial console over a libvirt stream,
 * and copy its console log
 *
 * The attach runs libvirt's default event loop with three sources: the
 * console stream (guest output in, typed input out), in_fd, and a short
 * periodic timer that notices *cancel and the deadline (a signal that
 * arrives just before the loop blocks must not be missed until the guest
 * next prints).  Input is read only while the buffer towards the guest has
 * room, so a slow guest holds the input back rather than growing memory.
 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "domain.h"
#include "host.h"

#define TICK_MS 100
#define CHUNK (64 * 1024)

enum state { RUNNING, ENDED, FAILED };

struct session {
	virDomainPtr dom;
	const char *name;
	virStreamPtr st;
	int in_fd, out_fd;
	bool tty;
	int in_watch;            /* -1 when in_fd is not watched (any more) */
	int stream_events;       /* what the stream callback is registered for */
	bool in_eof;
	char in_buf[4096];       /* read from in_fd, not yet sent to the guest */
	size_t in_len;
	int64_t deadline;        /* monotonic ms; -1: none */
	volatile sig_atomic_t *cancel;
	enum state state;
	enum vp_console_end end;
	struct vp_error *err;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void finish(struct session *s, enum vp_console_end end)
{
	if (s->state == RUNNING) {
		s->state = ENDED;
		s->end = end;
	}
}

/* The error is set already; only the first one counts. */
static void fail(struct session *s)
{
	if (s->state == RUNNING)
		s->state = FAILED;
}

/* Write all of buf to fd, which may be non-blocking; stops early only on
 * an error or a cancel. */
static int write_all(struct session *s, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(s->out_fd, buf, len);

		if (n < 0 && errno == EINTR) {
			if (s->cancel && *s->cancel)
				return -1;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = s->out_fd, .events = POLLOUT };

			if (s->cancel && *s->cancel)
				return -1;
			poll(&p, 1, TICK_MS);
			continue;
		}
		if (n < 0) {
			if (s->state == RUNNING)
				vp_error_set(s->err, VP_ERR_RUNTIME,
					     "cannot write the console output of VM '%s': %s", s->name,
					     strerror(errno));
			fail(s);
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The stream failed or ended badly: when the VM is gone that is its end,
 * otherwise a failure (a forced takeover by another session lands here). */
static void stream_broke(struct session *s)
{
	struct vp_error why = { 0 };

	if (s->state != RUNNING)
		return;
	/* the reason first: the state query below resets libvirt's last error */
	if (virGetLastError())
		vp_error_libvirt(&why, VP_ERR_RUNTIME,
				 "the console of VM '%s' was disconnected (another session may have taken it over)",
				 s->name);
	else
		vp_error_set(&why, VP_ERR_RUNTIME,
			     "the console of VM '%s' was closed by its host (another session may have taken it over)",
			     s->name);
	if (virDomainIsActive(s->dom) == 0) {
		finish(s, VP_CONSOLE_STOPPED);
		return;
	}
	if (s->err)
		*s->err = why;
	fail(s);
}

/* Register for what the session needs now: guest output always, the
 * chance to send while input is waiting, and in_fd while there is room. */
static void update_events(struct session *s)
{
	int want = 0;

	if (s->state == RUNNING) {
		want = VIR_STREAM_EVENT_READABLE;
		if (s->in_len > 0)
			want |= VIR_STREAM_EVENT_WRITABLE;
	}
	if (want != s->stream_events && virStreamEventUpdateCallback(s->st, want) == 0)
		s->stream_events = want;
	if (s->in_watch >= 0)
		virEventUpdateHandle(s->in_watch, s->state == RUNNING && !s->in_eof &&
							  s->in_len < sizeof(s->in_buf) ?
						  VIR_EVENT_HANDLE_READABLE :
						  0);
}

static void send_pending(struct session *s)
{
	int n;

	if (s->in_len == 0)
		return;
	n = virStreamSend(s->st, s->in_buf, s->in_len);
	if (n == -2)
		return;
	if (n < 0) {
		stream_broke(s);
		return;
	}
	memmove(s->in_buf, s->in_buf + n, s->in_len - (size_t)n);
	s->in_len -= (size_t)n;
}

static void receive(struct session *s)
{
	char buf[16 * 1024];
	int i, n;

	/* a bounded number of rounds, so typed input is not starved */
	for (i = 0; i < 16 && s->state == RUNNING; i++) {
		n = virStreamRecv(s->st, buf, sizeof(buf));
		if (n == -2)
			return;
		if (n == 0) {
			finish(s, VP_CONSOLE_STOPPED);
			return;
		}
		if (n < 0) {
			stream_broke(s);
			return;
		}
		if (write_all(s, buf, (size_t)n) < 0)
			return;
	}
}

static void on_stream(virStreamPtr st, int events, void *opaque)
{
	struct session *s = opaque;

	(void)st;
	if (s->state != RUNNING)
		return;
	if (events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR))
		receive(s);
	if (s->state == RUNNING && (events & VIR_STREAM_EVENT_WRITABLE))
		send_pending(s);
	update_events(s);
}

static void on_input(int watch, int fd, int events, void *opaque)
{
	struct session *s = opaque;
	size_t room = sizeof(s->in_buf) - s->in_len;
	char *p = s->in_buf + s->in_len, *esc;
	ssize_t n;

	(void)watch;
	(void)events;
	if (s->state != RUNNING || s->in_eof || room == 0)
		return;
	n = read(fd, p, room);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (!(s->tty && errno == EIO)) {
			vp_error_set(s->err, VP_ERR_RUNTIME,
				     "cannot read the console input for VM '%s': %s", s->name,
				     strerror(errno));
			fail(s);
			return;
		}
		n = 0; /* the terminal hung up: no more input */
	}
	if (n == 0) {
		s->in_eof = true;
		virEventRemoveHandle(s->in_watch);
		s->in_watch = -1;
		update_events(s);
		return;
	}
	if (s->tty && (esc = memchr(p, VP_CONSOLE_ESCAPE, (size_t)n))) {
		s->in_len += (size_t)(esc - p);
		send_pending(s); /* what was typed before it, if the stream takes it now */
		finish(s, VP_CONSOLE_DETACHED);
		return;
	}
	s->in_len += (size_t)n;
	send_pending(s);
	update_events(s);
}

static void check_time(struct session *s)
{
	if (s->state != RUNNING)
		return;
	if (s->cancel && *s->cancel) {
		vp_error_set(s->err, VP_ERR_CANCELLED, "interrupted while attached to the console of VM '%s'", s->name);
		fail(s);
	} else if (s->deadline >= 0 && now_ms() >= s->deadline) {
		finish(s, VP_CONSOLE_TIMED_OUT);
	}
}

static void on_tick(int timer, void *opaque)
{
	(void)timer;
	check_time(opaque);
}

static int open_stream(virDomainPtr dom, const char *name, bool force, virStreamPtr *out,
		       struct vp_error *err)
{
	_cleanup_(virStreamFreep) virStreamPtr st = NULL;
	int active = virDomainIsActive(dom);

	if (active < 0)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot read the state of VM '%s'", name);
	if (active == 0)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "VM '%s' is not running; 'vprov console %s --log' prints what its console showed",
				    name, name);
	st = virStreamNew(virDomainGetConnect(dom), VIR_STREAM_NONBLOCK);
	if (!st)
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot open the console of VM '%s'", name);
	if (virDomainOpenConsole(dom, NULL, st, force ? VIR_DOMAIN_CONSOLE_FORCE : 0) < 0) {
		if (!force && vp_libvirt_error_is(VIR_ERR_OPERATION_FAILED))
			return vp_error_libvirt(err, VP_ERR_RUNTIME,
						"cannot open the console of VM '%s' (--force takes it over from another session)",
						name);
		return vp_error_libvirt(err, VP_ERR_RUNTIME, "cannot open the console of VM '%s'", name);
	}
	*out = TAKE_PTR(st);
	return 0;
}

/* Run the loop until the session ends; the sources are removed again
 * before this returns, so nothing calls back into *s afterwards. */
static void relay(struct session *s)
{
	int timer;

	s->stream_events = VIR_STREAM_EVENT_READABLE;
	if (virStreamEventAddCallback(s->st, s->stream_events, on_stream, s, NULL) < 0) {
		vp_error_libvirt(s->err, VP_ERR_RUNTIME, "cannot watch the console of VM '%s'",
				 s->name);
		fail(s);
		return;
	}
	timer = virEventAddTimeout(TICK_MS, on_tick, s, NULL);
	if (s->in_fd >= 0)
		s->in_watch = virEventAddHandle(s->in_fd, VIR_EVENT_HANDLE_READABLE, on_input, s, NULL);
	if (timer < 0 || (s->in_fd >= 0 && s->in_watch < 0)) {
		vp_error_set(s->err, VP_ERR_RUNTIME,
			     "cannot watch the console of VM '%s': no libvirt event loop is registered",
			     s->name);
		fail(s);
	}
	while (s->state == RUNNING) {
		check_time(s);
		if (s->state != RUNNING)
			break;
		if (virEventRunDefaultImpl() < 0) {
			vp_error_libvirt(s->err, VP_ERR_RUNTIME,
					 "the event loop for the console of VM '%s' failed", s->name);
			fail(s);
		}
	}
	if (s->in_watch >= 0)
		virEventRemoveHandle(s->in_watch);
	s->in_watch = -1;
	if (timer >= 0)
		virEventRemoveTimeout(timer);
	virStreamEventRemoveCallback(s->st);
}

int vp_console_attach(virConnectPtr conn, const char *name, int in_fd, int out_fd,
		      const struct vp_console_opts *opts, volatile sig_atomic_t *cancel,
		      enum vp_console_end *end, struct vp_error *err)
{
	static const struct vp_console_opts defaults = { .timeout_ms = -1 };
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_(virStreamFreep) virStreamPtr st = NULL;
	struct session s = { .name = name, .in_fd = in_fd, .out_fd = out_fd, .in_watch = -1,
			     .cancel = cancel, .err = err };
	struct termios saved, raw;

	if (!opts)
		opts = &defaults;
	if (vp_domain_lookup(conn, name, &dom, err) < 0 ||
	    open_stream(dom, name, opts->force, &st, err) < 0)
		return -1;
	s.dom = dom;
	s.st = st;
	s.tty = in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &saved) == 0;
	s.deadline = opts->timeout_ms < 0 ? -1 : now_ms() + opts->timeout_ms;
	if (opts->on_open)
		opts->on_open(opts->opaque, s.tty);
	if (s.tty) {
		raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(in_fd, TCSAFLUSH, &raw) < 0) {
			virStreamAbort(st);
			return vp_error_set(err, VP_ERR_RUNTIME,
					    "cannot put the terminal in raw mode for VM '%s': %s", name,
					    strerror(errno));
		}
	}
	relay(&s);
	if (s.tty)
		tcsetattr(in_fd, TCSADRAIN, &saved);
	if (s.state == ENDED && s.end == VP_CONSOLE_STOPPED)
		virStreamFinish(st);
	else
		virStreamAbort(st);
	virResetLastError();
	if (s.state == FAILED)
		return -1;
	if (end)
		*end = s.end;
	return 0;
}

int vp_console_log_copy(virConnectPtr conn, const char *name, int out_fd, struct vp_error *err)
{
	_cleanup_(freep) char *path = NULL;
	_cleanup_(closep) int fd = -1;
	char *buf;
	ssize_t n;
	int r = 0;

	if (vp_domain_console_log(conn, name, &path, err) < 0)
		return -1;
	if (!path || !*path)
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "VM '%s' has no console log (its serial console is not logged to a file)",
				    name);
	if (!vp_conn_is_local(conn))
		return vp_error_set(err, VP_ERR_RUNTIME,
				    "the console log of VM '%s' is on the remote host, at %s", name,
				    path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* the VM never ran: it printed nothing */
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot open the console log '%s': %s", path,
				    strerror(errno));
	}
	buf = malloc(CHUNK);
	if (!buf)
		abort();
	while (r == 0 && (n = read(fd, buf, CHUNK)) != 0) {
		const char *p = buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = vp_error_set(err, VP_ERR_RUNTIME, "cannot read the console log '%s': %s",
					 path, strerror(errno));
			break;
		}
		while (n > 0) {
			ssize_t w = write(out_fd, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				struct pollfd pfd = { .fd = out_fd, .events = POLLOUT };

				poll(&pfd, 1, -1);
				continue;
			}
			if (w < 0) {
				r = vp_error_set(err, VP_ERR_RUNTIME,
						 "cannot write the console log of VM '%s': %s", name,
						 strerror(errno));
				break;
			}
			p += w;
			n -= w;
		}
	}
	free(buf);
	return r;
}
