// The Durable Task Scheduler backend (durableBackend = DurableTaskScheduler): a scheduler
// with one task hub, and Durable Task Data Contributor for the app's identity on that
// scheduler only. The Consumption SKU bills per action; Dedicated would need capacity.

@description('Name of the scheduler.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('Task hub name; must equal the app\'s DURABLE_TASK_HUB_NAME.')
param taskHubName string

@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

@description('Client addresses allowed to reach the scheduler (CIDR). An empty list denies everyone, the app included.')
param ipAllowlist string[] = ['0.0.0.0/0']

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Consumption' }
    ipAllowlist: ipAllowlist
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2026-02-01' = {
  parent: scheduler
  name: taskHubName
}

resource workerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, appPrincipalId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
