/* provision/console.c — relay a VM's serial console over a libvirt stream,
 * and copy its console log
 *
 * libvirt's event loop runs on a thread the program owns (cmd/main.c):
 * the console stream's callback (guest output in, typed input out) and
 * the input's handle run there, under the session's lock; the caller's
 * thread waits on a condition and, every tick, checks the cancel flag,
 * the deadline and the caller's tick function.  Input is read only while
 * the buffer towards the guest has room, so a slow guest holds the input
 * back rather than growing memory.  The session lives on the heap with a
 * reference per registration, dropped by libvirt's free callbacks, so a
 * callback that is already running when the attach ends still finds it.
 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "clock.h"
#include "domain.h"
#include "host.h"

#define TICK_MS 50
#define CHUNK (64 * 1024)

enum state { RUNNING, ENDED, FAILED };

struct session {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	char *name;
	virDomainPtr dom;
	virStreamPtr st;
	int in_fd, out_fd;
	bool tty;
	int in_watch;            /* -1 when in_fd is not watched (any more) */
	int stream_events;       /* what the stream callback is registered for */
	bool in_eof;
	char in_buf[4096];       /* read from in_fd, not yet sent to the guest */
	size_t in_len;
	volatile sig_atomic_t *cancel;
	enum state state;
	enum vp_console_end end;
	struct vp_error err;
};

static void unref(void *opaque)
{
	struct session *s = opaque;
	bool last;

	pthread_mutex_lock(&s->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	if (s->st)
		virStreamFree(s->st);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s->name);
	free(s);
}

/* With the lock held. */
static void finish(struct session *s, enum vp_console_end end)
{
	if (s->state == RUNNING) {
		s->state = ENDED;
		s->end = end;
		pthread_cond_broadcast(&s->cond);
	}
}

/* The error is set already; only the first one counts.  Lock held. */
static void fail(struct session *s)
{
	if (s->state == RUNNING) {
		s->state = FAILED;
		pthread_cond_broadcast(&s->cond);
	}
}

/* Write all of buf to out_fd, which may be non-blocking.  Lock held. */
static int write_all(struct session *s, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(s->out_fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = s->out_fd, .events = POLLOUT };

			if (s->cancel && *s->cancel)
				return -1;
			poll(&p, 1, TICK_MS);
			continue;
		}
		if (n < 0) {
			vp_error_set(&s->err, VP_ERR_RUNTIME,
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
	s->err = why;
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
	pthread_mutex_lock(&s->lock);
	if (s->state == RUNNING) {
		if (events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
			      VIR_STREAM_EVENT_ERROR))
			receive(s);
		if (s->state == RUNNING && (events & VIR_STREAM_EVENT_WRITABLE))
			send_pending(s);
		update_events(s);
	}
	pthread_mutex_unlock(&s->lock);
}

static void on_input(int watch, int fd, int events, void *opaque)
{
	struct session *s = opaque;
	size_t room;
	char *p, *esc;
	ssize_t n;

	(void)watch;
	(void)events;
	pthread_mutex_lock(&s->lock);
	room = sizeof(s->in_buf) - s->in_len;
	p = s->in_buf + s->in_len;
	if (s->state != RUNNING || s->in_eof || room == 0)
		goto out;
	n = read(fd, p, room);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			goto out;
		if (!(s->tty && errno == EIO)) {
			vp_error_set(&s->err, VP_ERR_RUNTIME,
				     "cannot read the console input for VM '%s': %s", s->name,
				     strerror(errno));
			fail(s);
			goto out;
		}
		n = 0; /* the terminal hung up: no more input */
	}
	if (n == 0) {
		s->in_eof = true;
		virEventRemoveHandle(s->in_watch);
		s->in_watch = -1;
		update_events(s);
		goto out;
	}
	if (s->tty && (esc = memchr(p, VP_CONSOLE_ESCAPE, (size_t)n))) {
		s->in_len += (size_t)(esc - p);
		send_pending(s); /* what was typed before it, if the stream takes it now */
		finish(s, VP_CONSOLE_DETACHED);
		goto out;
	}
	s->in_len += (size_t)n;
	send_pending(s);
	update_events(s);
out:
	pthread_mutex_unlock(&s->lock);
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

/* Register the callbacks and wait until the session ends. */
static void relay(struct session *s, const struct vp_console_opts *opts)
{
	int64_t deadline = opts->timeout_ms < 0 ? -1 : vp_now_ms() + opts->timeout_ms;

	pthread_mutex_lock(&s->lock);
	s->stream_events = VIR_STREAM_EVENT_READABLE;
	s->refs++;
	if (virStreamEventAddCallback(s->st, s->stream_events, on_stream, s, unref) < 0) {
		s->refs--;
		vp_error_libvirt(&s->err, VP_ERR_RUNTIME, "cannot watch the console of VM '%s'",
				 s->name);
		fail(s);
	}
	if (s->state == RUNNING && s->in_fd >= 0) {
		s->refs++;
		s->in_watch = virEventAddHandle(s->in_fd, VIR_EVENT_HANDLE_READABLE, on_input, s, unref);
		if (s->in_watch < 0) {
			s->refs--;
			vp_error_set(&s->err, VP_ERR_RUNTIME,
				     "cannot watch the console input of VM '%s': no libvirt event loop runs",
				     s->name);
			fail(s);
		}
	}
	while (s->state == RUNNING) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		if (s->state != RUNNING)
			break;
		if (s->cancel && *s->cancel) {
			vp_error_set(&s->err, VP_ERR_CANCELLED,
				     "interrupted while attached to the console of VM '%s'", s->name);
			fail(s);
		} else if (deadline >= 0 && vp_now_ms() >= deadline) {
			finish(s, VP_CONSOLE_TIMED_OUT);
		} else if (opts->tick) {
			int t;

			/* the caller's check runs without the lock: it may call libvirt */
			pthread_mutex_unlock(&s->lock);
			t = opts->tick(opts->opaque);
			pthread_mutex_lock(&s->lock);
			if (t)
				finish(s, VP_CONSOLE_ENDED);
		}
	}
	if (s->in_watch >= 0)
		virEventRemoveHandle(s->in_watch);
	s->in_watch = -1;
	virStreamEventRemoveCallback(s->st);
	pthread_mutex_unlock(&s->lock);
}

int vp_console_attach(virDomainPtr dom, int in_fd, int out_fd, const struct vp_console_opts *opts,
		      volatile sig_atomic_t *cancel, enum vp_console_end *end,
		      struct vp_error *err)
{
	static const struct vp_console_opts defaults = { .timeout_ms = -1 };
	const char *name = virDomainGetName(dom);
	virStreamPtr st = NULL;
	struct session *s;
	struct termios saved, raw;
	bool tty;
	int r = 0;

	if (!opts)
		opts = &defaults;
	if (open_stream(dom, name, opts->force, &st, err) < 0)
		return -1;
	s = vp_calloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->refs = 1;
	s->name = vp_strdup(name);
	s->dom = dom;
	s->st = st;
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->in_watch = -1;
	s->cancel = cancel;
	tty = in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &saved) == 0;
	s->tty = tty;
	if (opts->on_open)
		opts->on_open(opts->opaque, tty);
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(in_fd, TCSAFLUSH, &raw) < 0) {
			virStreamAbort(st);
			vp_error_set(err, VP_ERR_RUNTIME,
				     "cannot put the terminal in raw mode for VM '%s': %s", name,
				     strerror(errno));
			unref(s);
			return -1;
		}
	}
	relay(s, opts);
	if (tty)
		tcsetattr(in_fd, TCSADRAIN, &saved);
	pthread_mutex_lock(&s->lock);
	if (s->state == ENDED && s->end == VP_CONSOLE_STOPPED)
		virStreamFinish(st);
	else
		virStreamAbort(st);
	virResetLastError();
	if (s->state == FAILED) {
		if (err)
			*err = s->err;
		r = -1;
	} else if (end) {
		*end = s->end;
	}
	s->dom = NULL;
	pthread_mutex_unlock(&s->lock);
	unref(s);
	return r;
}

int vp_console_log_copy(virDomainPtr dom, int out_fd, struct vp_error *err)
{
	virConnectPtr conn = virDomainGetConnect(dom);
	const char *name = virDomainGetName(dom);
	_cleanup_(freep) char *path = NULL;
	_cleanup_(closep) int fd = -1;
	char *buf;
	ssize_t n;
	int r = 0;

	if (vp_domain_console_log(dom, &path, err) < 0)
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
	buf = vp_grow(NULL, CHUNK, 1);
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
