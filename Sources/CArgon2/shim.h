#ifndef STEPGATE_CARGON2_SHIM_H
#define STEPGATE_CARGON2_SHIM_H
#include <argon2.h>
#endif
