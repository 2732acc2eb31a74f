/* provision/base/run.c — see run.h */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int vp_run_quiet(const char *what, char *const argv[], const char *hint, struct vp_error *err)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status = 0, rc;
	pid_t pid;
	char buf[512];
	size_t got = 0;
	ssize_t r;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot %s: %s", what, strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot %s: cannot run %s: %s%s", what,
				    argv[0], strerror(rc), hint ? hint : "");
	}
	while ((r = read(pipefd[0], buf + got, sizeof(buf) - 1 - got)) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			got += (size_t)r;
	close(pipefd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0])
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot %s: %s", what, buf);
	return vp_error_set(err, VP_ERR_RUNTIME, "cannot %s: %s failed", what, argv[0]);
}
