#ifndef VIDEOLEDGER_CLIBPQ_SHIM_H
#define VIDEOLEDGER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
