#include "fault.h"

// store_value writes twice v through slot without checking it for NULL.
void store_value(int *slot, int v)
{
	int doubled = v * 2;
	*slot = doubled;
}
