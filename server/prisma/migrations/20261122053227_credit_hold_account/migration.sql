-- AddForeignKey
ALTER TABLE "CreditHold" ADD CONSTRAINT "CreditHold_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
