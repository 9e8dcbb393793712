#!/bin/sh
echo "IGNY8: Prisma's native schema engine is not used by this project." >&2
echo "Apply migrations with 'npm run db:migrate' and create them with 'npm run db:migration:create -- <name>'." >&2
exit 1
