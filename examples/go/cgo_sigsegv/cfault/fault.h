#ifndef FAULT_H
#define FAULT_H

void store_value(int *slot, int v);

#endif
