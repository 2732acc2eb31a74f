/* provision/journal.h — the undo journal of an operation in flight, kept
 * on disk so that whatever stops an operation half-way is rolled back.
 *
 * Before a step changes a host it writes what would undo the change (an
 * "intent"), and fsync()s it; once the change is made it writes that it
 * was made, with what identifies it (a "done"); a change that was refused
 * is marked so (a "failed").  On success the journal is deleted (commit);
 * on a failure or an interrupt it is unwound, newest entry first.  When
 * the process dies instead (SIGKILL, power loss) or the host cannot be
 * reached to undo (libvirtd died), the file stays: the next vprov command
 * that connects to that host finds it (its owner no longer holds its lock)
 * and unwinds it, and says what it removed.
 *
 * Undo entries are data, so any vprov process can replay them:
 *   {"kind":"domain","uuid":U,"name":N}     destroy and undefine by UUID
 *   {"kind":"domain-start","uuid":U,"name":N}  destroy by UUID
 *   {"kind":"pool","uuid":U,"name":N}       stop and undefine by UUID
 *   {"kind":"pool-start","uuid":U,"name":N} stop again a pool that was started
 *   {"kind":"volume","pool":P,"name":N,"path":X}   delete; done: {"key":K}
 *   {"kind":"dir","path":X}                 rmdir when empty (local hosts)
 *   {"kind":"file","path":X}                unlink; done: {"dev":D,"ino":I}
 *   {"kind":"network","uuid":U,"name":N}    stop and undefine by UUID
 *   {"kind":"network-start","uuid":U,"name":N}  stop again a network that was started
 *   {"kind":"dhcp-host","network":N,"mac":M,"ip":A}  remove that DHCP host entry
 * Identities decide: a domain or pool is only ever removed by the UUID
 * vprov chose for it, a volume only when its key matches what was made or,
 * when the process died between making it and saying so, when no VM uses
 * it and (on this machine) it is younger than the intent; a file only when
 * its inode is the one made.
 *
 * Journals live in <state_dir>/journal/<host key>/, one file per operation
 * (JSON lines), the host key being a hash of the connection's URI.
 */
#ifndef VP_JOURNAL_H
#define VP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "error.h"
#include "report.h"
#include "virt.h"

struct vp_journal;

/* What an unwind removed and what it could not. */
struct vp_undo_report {
	char **removed;          /* "VM 'web1'", "volume 'default/web1.qcow2'", ... */
	size_t n_removed;
	char **left;             /* what could not be undone, with the reason */
	size_t n_left;
};
void vp_undo_report_clear(struct vp_undo_report *r);

/* Start the journal of operation op (e.g. "create") on subject (e.g. the
 * VM's name) for conn's host.  state_dir NULL keeps it in memory only
 * (nothing survives a crash).  The file is locked while this process
 * holds it. */
int vp_journal_begin(virConnectPtr conn, const char *state_dir, const char *op,
		     const char *subject, struct vp_journal **out, struct vp_error *err);

/* Record what would undo the next change (takes undo); returns the
 * entry's index, or -1 when it cannot be made durable (then the change
 * must not be made). */
int vp_journal_intent(struct vp_journal *j, json_object *undo, struct vp_error *err);
/* The change of entry idx was made; identity (taken, may be NULL) says
 * what it made. */
void vp_journal_done(struct vp_journal *j, int idx, json_object *identity);
/* The change of entry idx was not made. */
void vp_journal_failed(struct vp_journal *j, int idx);

/* Undo every entry, newest first.  0 when all is undone (the journal file
 * is then removed); -1 when something could not be undone: the file keeps
 * what is left, for the next command, and err (which may already carry
 * the failure that led here) gets a sentence about it appended. */
int vp_journal_unwind(struct vp_journal *j, virConnectPtr conn, struct vp_undo_report *rep,
		      struct vp_error *err);

/* The operation succeeded: forget the journal and remove its file. */
void vp_journal_commit(struct vp_journal *j);

/* Close it; the file stays unless it was committed or fully unwound. */
void vp_journal_free(struct vp_journal *j);

/* Unwind the journals that dead operations left for conn's host: each
 * one found is reported through r (a warning naming the operation and
 * what was removed).  Returns how many were unwound, or -1 (err) when
 * the directory cannot be read.  Journals of live processes are left
 * alone. */
int vp_journal_recover(virConnectPtr conn, const char *state_dir, const struct vp_reporter *r,
		       struct vp_error *err);

/* An exclusive lock on a name on conn's host (e.g. "vm", "web1"), held
 * until vp_journal_unlock(): two creates of one name on this machine run
 * one after the other, so the second sees the name taken.  Waits, saying
 * so through r, and gives up when r is cancelled.  The lock file goes
 * with the unlock. */
struct vp_lock {
	int fd;                  /* -1: no lock held */
	char *path;
};
int vp_journal_lock(virConnectPtr conn, const char *state_dir, const char *kind,
		    const char *name, const struct vp_reporter *r, struct vp_lock *lock,
		    struct vp_error *err);
void vp_journal_unlock(struct vp_lock *lock);

/* The directory of conn's host's journals (malloc'd). */
char *vp_journal_dir(virConnectPtr conn, const char *state_dir);

#endif
