#include "hal/uart.h"

#include <stdio.h>

#include "hal/platform.h"

#define UART_REG(off) MMIO8(UART_BASE + (off))

void uart_putc(char c) {
  while (!(UART_REG(UART_LSR) & UART_LSR_THRE)) {
  }
  UART_REG(UART_THR) = (uint8_t)c;
}

void uart_puts(const char* s) {
  while (*s) uart_putc(*s++);
}

int uart_getc(void) {
  if (!(UART_REG(UART_LSR) & UART_LSR_DR)) return -1;
  return UART_REG(UART_RBR);
}

/* picolibc stdio over the UART. */
static int stdio_put(char c, FILE* f) {
  (void)f;
  uart_putc(c);
  return (unsigned char)c;
}

static int stdio_get(FILE* f) {
  (void)f;
  int c;
  while ((c = uart_getc()) < 0) {
  }
  return c;
}

static FILE uart_stdio = FDEV_SETUP_STREAM(stdio_put, stdio_get, NULL, _FDEV_SETUP_RW);
FILE* const stdin = &uart_stdio;
FILE* const stdout = &uart_stdio;
FILE* const stderr = &uart_stdio;
