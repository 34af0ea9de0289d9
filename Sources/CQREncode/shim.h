#ifndef STEPGATE_CQRENCODE_SHIM_H
#define STEPGATE_CQRENCODE_SHIM_H
// libqrencode, for the QR code of a TOTP enrolment's otpauth:// URI. Debian builds it with
// pthread support, so QRcode_encodeString is thread-safe here.
#include <qrencode.h>
#endif
