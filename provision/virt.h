/* provision/virt.h — libvirt, loaded on first use
 *
 * vprov does not link libvirt: loading it (and the ~50 libraries it pulls
 * in, all bound at load time) costs ~12 ms, more than everything else
 * vprov does, and commands that never talk to libvirt (osinfo, --help, a
 * usage error) should not pay it.  vp_libvirt_load() dlopen()s it and fills
 * one table of function pointers; the macros below send every libvirt call
 * in vprov's sources through that table.  The table's types are taken from
 * libvirt's own headers with __typeof__, so each call is still type-checked,
 * and a function missing from the list fails the link of vprov.
 *
 * Include this instead of <libvirt/libvirt.h>.
 */
#ifndef VP_VIRT_H
#define VP_VIRT_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cleanup.h"
#include "error.h"

#define VP_LIBVIRT_FUNCS(X)                                                              \
	X(virInitialize) X(virSetErrorFunc) X(virGetLastError) X(virGetLastErrorMessage)   \
	X(virSaveLastError) X(virFreeError)                                                \
	X(virResetLastError)                                                               \
	X(virConnectOpenAuth) X(virConnectClose) X(virConnectGetCapabilities)              \
	X(virConnectGetURI) X(virConnectGetHostname) X(virConnectGetType) X(virConnectGetVersion) X(virConnectGetLibVersion) X(virConnectListAllDomains)            \
	X(virConnectListAllStoragePools)                                                   \
	X(virConnectGetAllDomainStats) X(virNodeGetFreeMemory) X(virNodeGetInfo)           \
	X(virDomainCreate) X(virDomainCreateXML) X(virDomainDefineXML) X(virDomainDestroy) \
	X(virDomainFree) X(virDomainGetAutostart) X(virDomainGetBlockInfo)                 \
	X(virDomainGetConnect) X(virDomainGetID) X(virDomainGetInfo) X(virDomainGetMetadata) \
	X(virDomainGetName) X(virDomainGetState) X(virDomainGetUUIDString)                 \
	X(virDomainHasManagedSaveImage)                                                    \
	X(virDomainGetXMLDesc) X(virDomainIsActive) X(virDomainIsPersistent)               \
	X(virDomainInterfaceAddresses) X(virDomainInterfaceFree)                           \
	X(virDomainLookupByName) X(virDomainLookupByUUIDString) X(virDomainOpenConsole) X(virDomainSetAutostart) X(virDomainSetMetadata)          \
	X(virDomainShutdown) X(virDomainSuspend) X(virDomainResume) X(virDomainListGetStats) X(virDomainStatsRecordListFree) X(virDomainUndefine) X(virDomainUndefineFlags)                \
	X(virEventAddHandle) X(virEventAddTimeout) X(virEventRegisterDefaultImpl)          \
	X(virEventRemoveHandle) X(virEventRemoveTimeout) X(virEventRunDefaultImpl)         \
	X(virEventUpdateHandle)                                                            \
	X(virNetworkFree) X(virNetworkGetName) X(virConnectListAllNetworks) X(virNetworkIsActive) X(virNetworkLookupByName)                  \
	X(virSecretDefineXML) X(virSecretFree) X(virSecretGetUsageID)                      \
	X(virSecretLookupByUUIDString) X(virSecretSetValue) X(virSecretUndefine)           \
	X(virNetworkCreate) X(virNetworkDefineXML) X(virNetworkDestroy) X(virNetworkGetAutostart) \
	X(virNetworkGetDHCPLeases) X(virNetworkDHCPLeaseFree) X(virNetworkGetUUIDString)     \
	X(virNetworkGetXMLDesc) X(virNetworkIsPersistent) X(virNetworkLookupByUUIDString)    \
	X(virNetworkSetAutostart) X(virNetworkUndefine) X(virNetworkUpdate)                  \
	X(virStoragePoolBuild) X(virStoragePoolCreate) X(virStoragePoolDefineXML)          \
	X(virStoragePoolDestroy) X(virStoragePoolFree) X(virStoragePoolGetName)            \
	X(virStoragePoolGetInfo)                                                           \
	X(virStoragePoolDelete) X(virStoragePoolGetAutostart)                              \
	X(virNodeGetMemoryStats)                                                          \
	X(virStoragePoolGetXMLDesc) X(virStoragePoolIsActive) X(virStoragePoolIsPersistent) X(virStoragePoolListAllVolumes) \
	X(virStoragePoolLookupByName) X(virStoragePoolLookupByUUIDString) X(virStoragePoolGetUUIDString) X(virStoragePoolLookupByVolume) X(virStoragePoolRef)  \
	X(virStoragePoolRefresh) X(virStoragePoolSetAutostart) X(virStoragePoolUndefine)   \
	X(virStorageVolCreateXML) X(virStorageVolCreateXMLFrom) X(virStorageVolDelete) X(virStorageVolDownload) X(virStorageVolUpload) X(virStorageVolFree)              \
	X(virStorageVolGetConnect) X(virStorageVolGetKey) X(virStorageVolGetInfo) X(virStorageVolGetInfoFlags) X(virStorageVolGetName)         \
	X(virStorageVolGetXMLDesc) X(virStorageVolLookupByName) X(virStorageVolLookupByPath) \
	X(virStreamAbort) X(virStreamEventAddCallback) X(virStreamEventRemoveCallback)     \
	X(virStreamEventUpdateCallback) X(virStreamFinish) X(virStreamFree) X(virStreamNew) \
	X(virStreamRecv) X(virStreamRecvFlags) X(virStreamRecvHole) X(virStreamSend) X(virStreamSendHole) X(virStreamSparseSendAll)                       \
	X(virDomainSnapshotCreateXML) X(virDomainListAllSnapshots) X(virDomainSnapshotNum) \
	X(virDomainSnapshotGetXMLDesc) X(virDomainSnapshotGetName)                         \
	X(virDomainSnapshotGetParent) X(virDomainSnapshotIsCurrent)                        \
	X(virDomainSnapshotLookupByName) X(virDomainRevertToSnapshot)                      \
	X(virDomainSnapshotDelete) X(virDomainSnapshotFree)                                \
	X(virDomainMigrate3) X(virDomainMigrateToURI3) X(virDomainGetJobStats)             \
	X(virDomainAbortJob) X(virTypedParamsAddString) X(virTypedParamsAddULLong)         \
	X(virTypedParamsGetULLong) X(virTypedParamsFree) X(virStorageVolGetPath)           \
	X(virDomainBlockCommit) X(virDomainBlockJobAbort) X(virDomainGetBlockJobInfo)      \
	X(virDomainCreateWithFlags) X(virDomainSnapshotListAllChildren)                   \
	X(virNodeDeviceLookupByName) X(virNodeDeviceGetXMLDesc) X(virNodeDeviceFree)       \
	X(virConnectListAllNodeDevices)

struct vp_libvirt {
#define VP_LV_MEMBER(f) __typeof__(f) *f;
	VP_LIBVIRT_FUNCS(VP_LV_MEMBER)
#undef VP_LV_MEMBER
	virConnectAuthPtr *auth_default;     /* the variable virConnectAuthPtrDefault */
};

extern struct vp_libvirt vp_lv;

/* Load libvirt.so.0 once per process (thread-safe); -1 with a sentence in
 * err when it cannot be loaded.  Also silences libvirt's own printing of
 * errors: vprov reports them through struct vp_error. */
int vp_libvirt_load(struct vp_error *err);

/* Load libvirt now; for programs that call libvirt before any vprov
 * function does, like the tests.  Thread-safe. */
void vp_init(void);

/* Like vp_error_set, then append ": " and libvirt's last error message of
 * this thread (or "unknown libvirt error"), and keep its code in
 * err->cause.  A macro, so that libvirt's error is saved before the
 * message's arguments are evaluated: every libvirt call, even
 * virDomainGetName(), clears the thread's last error. */
#define vp_error_libvirt(err, code, ...)                                             \
	({                                                                          \
		virErrorPtr _vp_saved = virSaveLastError();                           \
		vp_error_libvirt_saved((err), (code), _vp_saved, __VA_ARGS__);         \
	})
/* The same with the error already saved (freed here). */
int vp_error_libvirt_saved(struct vp_error *err, enum vp_errcode code, virErrorPtr saved,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True when the last libvirt error of this thread has this code. */
int vp_libvirt_error_is(int code);

#ifndef VP_VIRT_NO_REDIRECT
#define VP_LV_REDIRECT
#include "virt-redirect.h"

VP_DEFINE_CLEANUP(virConnectPtr, virConnectClose)
VP_DEFINE_CLEANUP(virDomainPtr, virDomainFree)
VP_DEFINE_CLEANUP(virStoragePoolPtr, virStoragePoolFree)
VP_DEFINE_CLEANUP(virStorageVolPtr, virStorageVolFree)
VP_DEFINE_CLEANUP(virNetworkPtr, virNetworkFree)
VP_DEFINE_CLEANUP(virStreamPtr, virStreamFree)
VP_DEFINE_CLEANUP(virDomainSnapshotPtr, virDomainSnapshotFree)
VP_DEFINE_CLEANUP(virSecretPtr, virSecretFree)
VP_DEFINE_CLEANUP(virNodeDevicePtr, virNodeDeviceFree)
#endif

#endif
