/* 16550 UART (byte registers at UART_BASE). stdout/stderr/stdin of picolibc go through it. */
#ifndef PUMAVP_HAL_UART_H
#define PUMAVP_HAL_UART_H

#include <stdint.h>

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1
#define UART_LSR 5
#define UART_LSR_DR 0x01u   /* data ready */
#define UART_LSR_THRE 0x20u /* transmit holding register empty */

#ifdef __cplusplus
extern "C" {
#endif

void uart_putc(char c);
void uart_puts(const char* s);
int uart_getc(void); /* -1 when no byte is waiting */

#ifdef __cplusplus
}
#endif

#endif
